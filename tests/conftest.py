"""Shared pytest configuration.

tests/pure: the procedure's rules with plain datetimes, no Frappe.
tests/site: against a real Frappe site (see tests/site/conftest.py), run through the bench's python.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))
