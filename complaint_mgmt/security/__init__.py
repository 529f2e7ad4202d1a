"""Department isolation and privacy: permission hooks, overrides of Frappe endpoints that check too little,
the request guard, write protection and input checks.

May import: frappe, complaint_mgmt.procedure; never complaint_mgmt.setup.
"""
