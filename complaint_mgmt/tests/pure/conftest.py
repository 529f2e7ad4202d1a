"""Make the repository root importable for the pure (Frappe-free) tests."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
	sys.path.insert(0, ROOT)
