"""Which messages the app must translate: everything Frappe's extractor finds in the app (doctype labels and
options, report columns, `_()`/`__()` strings, print formats, workspaces) plus the message templates of the pure
rules modules (raised as RuleError and translated in ``adapters.throw``)."""

import ast
import csv
import json
import sys
from pathlib import Path

from frappe.translate import get_messages_for_app

APP_DIR = Path(__file__).resolve().parent.parent
RULE_MODULES = (
	"rules.py",
	"calendar_hours.py",
	"transitions.py",
	"sweep_rules.py",
	"authority.py",
	"corrective_action.py",
	"retention_rules.py",
)


def rule_messages() -> set[str]:
	messages = set()
	for name in RULE_MODULES:
		path = APP_DIR / "procedure" / name
		if not path.exists():
			continue
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if (
				isinstance(node, ast.Call)
				and getattr(node.func, "id", None) == "RuleError"
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


def app_messages() -> set[str]:
	messages = {m[1] for m in get_messages_for_app("complaint_mgmt") if m[1] and m[1].strip()}
	return messages | rule_messages() | web_form_messages()


def shipped_translations(lang: str = "zh") -> dict[str, str]:
	path = APP_DIR / "translations" / f"{lang}.csv"
	if not path.exists():
		return {}
	with path.open(encoding="utf-8", newline="") as f:
		return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2 and row[1].strip()}


def missing_translations(lang: str = "zh") -> list[str]:
	"""Messages of the app without a translation in the app's own CSV (sorted)."""
	shipped = shipped_translations(lang)
	return sorted(m for m in app_messages() if m not in shipped)


def print_missing(lang: str = "zh") -> None:
	"""``bench --site SITE execute complaint_mgmt.setup.i18n.print_missing``: one message per line, as CSV."""
	writer = csv.writer(sys.stdout)
	for message in missing_translations(lang):
		writer.writerow([message, ""])
