"""Contract name: ``complaint_mgmt.weekly.make_penalty_bulletin``; the outputs are in complaint_mgmt.outputs."""

from complaint_mgmt.outputs.weekly import make_penalty_bulletin  # noqa: F401
