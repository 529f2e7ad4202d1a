"""The customers' satisfaction survey in the Monthly Complaint Analysis (issue 19 §10): per month (by the answer's
day), the surveys answered, how many satisfied, the average score, and the average score per department and per
category. One grouped query (frappe.qb), restricted like the rest of the report (reporting.department_scope)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, DateFormat, Sum
from frappe.utils import flt

from complaint_mgmt.outputs import reporting

FIELDS = ("survey_answers", "survey_satisfied")


def new_values() -> dict:
	return {"survey_answers": 0, "survey_satisfied": 0, "average_score": None, "scores_by_department": "",
			"scores_by_category": ""}  # fmt: skip


def add_survey_scores(rows: dict, start, end, scope, month_format: str) -> None:
	s = frappe.qb.DocType("Complaint Survey")
	month = DateFormat(s.answered_on, month_format).as_("month")
	query = (
		frappe.qb.from_(s)
		.select(
			month,
			s.department,
			s.category,
			Count("*").as_("n"),
			Sum(s.score).as_("points"),
			reporting.count_if(s.satisfied == 1).as_("satisfied"),
		)
		.where((s.status == "Answered") & (s.answered_on >= start) & (s.answered_on < end))
		.groupby(month, s.department, s.category)
	)
	per: dict[str, dict[str, dict]] = {}
	for r in reporting.restrict(query, s.department, scope).run(as_dict=True):
		row = rows[r.month]
		row.survey_answers += int(r.n)
		row.survey_satisfied += int(r.satisfied or 0)
		totals = per.setdefault(r.month, {"all": {}, "department": {}, "category": {}})
		for kind, key in (("all", "*"), ("department", r.department), ("category", r.category)):
			pair = totals[kind].setdefault(key or _("Not categorised"), [0.0, 0])
			pair[0] += flt(r.points)
			pair[1] += int(r.n)
	for key, totals in per.items():
		points, n = next(iter(totals["all"].values()))
		rows[key].average_score = flt(points / n, 2) if n else None
		rows[key].scores_by_department = _text(totals["department"])
		rows[key].scores_by_category = _text(totals["category"])


def _text(pairs: dict) -> str:
	"""'Sales 4.5 (2); Finance 3 (1)': the average score and the number of answers, most answers first."""
	ranked = sorted(pairs.items(), key=lambda item: (-item[1][1], item[0]))
	return "; ".join(f"{name} {flt(points / n, 2):g} ({n})" for name, (points, n) in ranked if n)


def columns() -> list[dict]:
	return [
		{"fieldname": "survey_answers", "label": _("Survey Answers"), "fieldtype": "Int", "width": 120},
		{"fieldname": "survey_satisfied", "label": _("Customers Satisfied"), "fieldtype": "Int", "width": 140},
		{"fieldname": "average_score", "label": _("Average Survey Score"), "fieldtype": "Float", "precision": 2,
		 "width": 150},
		{"fieldname": "scores_by_department", "label": _("Survey Score by Department"), "fieldtype": "Data",
		 "width": 260},
		{"fieldname": "scores_by_category", "label": _("Survey Score by Category"), "fieldtype": "Data",
		 "width": 260},
	]  # fmt: skip


def summary(rows: list[dict]) -> list[dict]:
	answers = sum(row["survey_answers"] for row in rows)
	points = sum(flt(row["average_score"]) * row["survey_answers"] for row in rows)
	return [
		{"label": _("Survey Answers"), "value": answers, "datatype": "Int"},
		{"label": _("Average Survey Score"), "value": flt(points / answers, 2) if answers else 0,
		 "datatype": "Float", "indicator": "Green"},
	]  # fmt: skip
