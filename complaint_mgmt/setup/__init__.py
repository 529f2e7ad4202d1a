"""Install, migrate and uninstall: seeds, the Workflow, report indexes, demo data, translations' checks.

May import: anything; nothing imports setup at run time except hooks.py (and the tests).
"""
