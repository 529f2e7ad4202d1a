// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

{% include "complaint_mgmt/public/js/complaint_report_filters.js" %}

// The previous week like every complaint report: the running complaints received then that are overdue now.
frappe.query_reports["Overdue Complaints"] = complaint_report();
