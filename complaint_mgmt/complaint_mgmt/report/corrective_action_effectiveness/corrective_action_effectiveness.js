// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

{% include "complaint_mgmt/public/js/complaint_report_filters.js" %}

frappe.query_reports["Corrective Action Effectiveness"] = complaint_report();
