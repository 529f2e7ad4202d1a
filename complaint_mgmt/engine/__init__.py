"""The deadline engine: the sweep (breaches, escalations, notices, warnings) and the recompute job.

May import: frappe, complaint_mgmt.procedure, complaint_mgmt.loop; never complaint_mgmt.setup.
"""
