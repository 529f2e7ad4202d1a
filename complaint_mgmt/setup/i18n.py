"""Which messages the app must translate: everything Frappe's extractor finds in the app (doctype labels and
options, report columns, `_()`/`__()` strings, print formats, workspaces) plus the message templates of the pure
rules modules (raised as RuleError and translated in ``adapters.throw``)."""

import ast
import csv
import json
import re
import sys
from html import unescape
from pathlib import Path

import frappe
from frappe.translate import get_messages_for_app

from complaint_mgmt.setup.seed import CATEGORIES, GRADES, ROOT_CATEGORY

APP_DIR = Path(__file__).resolve().parent.parent
RULE_MODULES = (
	"rules.py",
	"calendar_hours.py",
	"transitions.py",
	"sweep_rules.py",
	"authority.py",
	"corrective_action.py",
	"retention_rules.py",
	"appeals.py",
	"action_reviews.py",
	"execution_rules.py",
)
# the pure modules' refusals: RuleError and its subclasses raised by name
RULE_ERRORS = ("RuleError", "NotPermitted")


def rule_messages() -> set[str]:
	messages = set()
	for name in RULE_MODULES:
		path = APP_DIR / "procedure" / name
		if not path.exists():
			continue
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if (
				isinstance(node, ast.Call)
				and getattr(node.func, "id", None) in RULE_ERRORS
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				messages.add(node.args[0].value)
	return messages


WEB_FORM_TEXTS = ("title", "introduction_text", "success_title", "success_message", "button_label")


def web_form_messages() -> set[str]:
	"""Texts of the app's web forms (Frappe's extractor does not read web form JSON)."""
	messages = set()
	for path in (APP_DIR / "complaint_mgmt" / "web_form").glob("*/*.json"):
		form = json.loads(path.read_text(encoding="utf-8"))
		messages.update(form.get(key) for key in WEB_FORM_TEXTS)
		for field in form.get("web_form_fields", []):
			messages.update((field.get("label"), field.get("description")))
	return {m for m in messages if m and m.strip()}


def module_json(folder: str) -> list[dict]:
	return [
		json.loads(path.read_text(encoding="utf-8"))
		for path in sorted((APP_DIR / "complaint_mgmt" / folder).glob("*/*.json"))
	]


TAGS = re.compile(r"<[^>]+>")


def workspace_messages() -> set[str]:
	"""What the desk shows of the app's workspaces, number cards and charts (translated there with __(), but
	not collected by Frappe's extractor): titles, headers, card, link, shortcut, chart and number card labels."""
	messages = set()
	for workspace in module_json("workspace"):
		messages.update((workspace.get("label"), workspace.get("title")))
		for key in ("links", "shortcuts", "charts", "number_cards", "quick_lists", "custom_blocks"):
			messages.update(row.get("label") for row in workspace.get(key) or [])
		for block in json.loads(workspace.get("content") or "[]"):
			if block.get("type") in ("header", "paragraph"):
				messages.add(unescape(TAGS.sub("", block.get("data", {}).get("text") or "")).strip())
	messages.update(card.get("label") for card in module_json("number_card"))
	messages.update(chart.get("chart_name") for chart in module_json("dashboard_chart"))
	return {m for m in messages if m and m.strip()}


PRINT_TEXTS = re.compile(r"""_\(\s*(["'])(.+?)\1\s*\)""")


def print_format_messages() -> set[str]:
	"""The literal `_("...")` texts of the app's Jinja print formats (their HTML lives in JSON)."""
	messages = set()
	for print_format in module_json("print_format"):
		messages.update(match.group(2) for match in PRINT_TEXTS.finditer(print_format.get("html") or ""))
	return messages


def record_messages() -> set[str]:
	"""Names of the records the app seeds and shows translated (grades, categories: `__(value)` in the desk,
	`_(doc.grade)` in print formats)."""
	return {grade["grade_name"] for grade in GRADES} | set(CATEGORIES) | {ROOT_CATEGORY}


def app_messages() -> set[str]:
	# Frappe lists every Report on the module's doctypes: a user's saved report view is no message of the app
	saved_views = set(frappe.get_all("Report", filters={"is_standard": "No"}, pluck="name"))
	messages = {m[1] for m in get_messages_for_app("complaint_mgmt") if m[1] and m[1].strip()} - saved_views
	return (
		messages
		| rule_messages()
		| web_form_messages()
		| workspace_messages()
		| print_format_messages()
		| record_messages()
	)


def shipped_translations(lang: str = "zh") -> dict[str, str]:
	path = APP_DIR / "translations" / f"{lang}.csv"
	if not path.exists():
		return {}
	with path.open(encoding="utf-8", newline="") as f:
		# a row with a context (third column) translates that context only
		return {
			row[0]: row[1]
			for row in csv.reader(f)
			if len(row) >= 2 and row[1].strip() and not (len(row) > 2 and row[2])
		}


def missing_translations(lang: str = "zh") -> list[str]:
	"""Messages of the app without a translation in the app's own CSV (sorted)."""
	shipped = shipped_translations(lang)
	return sorted(m for m in app_messages() if m not in shipped)


def print_missing(lang: str = "zh") -> None:
	"""``bench --site SITE execute complaint_mgmt.setup.i18n.print_missing``: one message per line, as CSV."""
	writer = csv.writer(sys.stdout)
	for message in missing_translations(lang):
		writer.writerow([message, ""])
