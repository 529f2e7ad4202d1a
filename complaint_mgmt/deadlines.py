"""Contract name: ``complaint_mgmt.deadlines.run_sweep`` (``bench execute``); the engine is complaint_mgmt.engine."""

from complaint_mgmt.engine.deadlines import run_sweep  # noqa: F401
