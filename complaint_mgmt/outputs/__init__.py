"""The weekly and monthly outputs: the penalty bulletin, report e-mails, shared report pieces, execution of
notices, the workspace's number cards.

May import: frappe, complaint_mgmt.procedure, complaint_mgmt.loop, complaint_mgmt.security; never setup.
"""
