"""Shared pytest configuration of the app's tests (complaint_mgmt/tests).

pure/: the procedure's rules with plain datetimes, no Frappe.
site/: against a real Frappe site (see site/conftest.py), run through the bench's python.
http/: a real web server for the test site, users logging in over HTTP (see http/conftest.py).
"""

import sys
from pathlib import Path

ROOT = (
	Path(__file__).resolve().parents[2]
)  # the checkout: ``complaint_mgmt`` importable without the bench too
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))
