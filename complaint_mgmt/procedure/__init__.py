"""The procedure's rules, pure Python: deadlines, business hours, clocks, breaches, escalation, penalties,
order of steps, authority, corrective actions, retention, report periods.

May import: the standard library and each other; never Frappe (a pure-tier test checks it).
"""
