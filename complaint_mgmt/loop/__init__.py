"""The Frappe side of the closed loop: the actions (whitelisted API), their shared machinery and step log, the
bridge to the pure rules, notifications, parties, customers' intake, response targets, retention.

May import: frappe, complaint_mgmt.procedure, complaint_mgmt.security; never complaint_mgmt.setup.
"""
