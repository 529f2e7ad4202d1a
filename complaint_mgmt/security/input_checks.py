"""Values a client sends that Frappe 15 would pass on to the database and answer with a server error: a dict
where text goes, NaN or infinite amounts, unparseable or impossible dates, text longer than its column.
Each is refused here with a translated message before anything is written.
"""

import math
import re
from email.utils import getaddresses

import frappe
from frappe import _
from frappe.model import default_fields, no_value_fields, table_fields
from frappe.utils import get_datetime, validate_email_address

MAX_TEXT = 20000  # characters of a long text (a description, a reply, a reason)
MAX_AMOUNT = 1e12  # the Currency column's range, far above any compensation
NUMBER_TYPES = ("Int", "Float", "Currency", "Percent", "Check")
DATE_TYPES = ("Date", "Datetime", "Time")
SHORT_TYPES = ("Data", "Link", "Dynamic Link", "Select", "Phone", "Read Only")


def refuse(message: str) -> None:
	frappe.throw(message, title=_("Invalid value"))


def check_text(label: str, value, limit: int = MAX_TEXT) -> str | None:
	"""`value` as text (None stays None); a dict, a list or text over `limit` characters is refused."""
	if value is None:
		return None
	if isinstance(value, bool) or not isinstance(value, str | int | float):
		refuse(_("{0} must be text.").format(label))
	text = str(value)
	if len(text) > limit:
		refuse(_("{0} is too long: at most {1} characters.").format(label, limit))
	return text


def check_amount(label: str, value) -> float:
	"""A finite number within the Currency column's range (a numeric text is accepted)."""
	if value in (None, ""):
		return 0.0
	try:
		number = float(value)
	except (TypeError, ValueError):
		refuse(_("{0} must be a number.").format(label))
	if not math.isfinite(number) or abs(number) > MAX_AMOUNT:
		refuse(_("{0} must be a finite amount below {1}.").format(label, f"{MAX_AMOUNT:,.0f}"))
	return number


FLAG_VALUES = {True: True, False: False, "1": True, "0": False, "true": True, "false": False}  # 1 == True


def check_flag(label: str, value) -> bool:
	"""A yes/no value: a bool, 0 / 1 or "true" / "false" (a form post sends text); anything else is refused."""
	if value in (None, ""):
		return False
	key = value.strip().lower() if isinstance(value, str) else value
	if isinstance(key, dict | list) or key not in FLAG_VALUES:
		refuse(_("{0} must be yes or no (1 or 0).").format(label))
	return FLAG_VALUES[key]


def check_date(label: str, value) -> None:
	try:
		parsed = get_datetime(value)
	except (TypeError, ValueError, OverflowError):
		parsed = None
	if parsed is None:
		refuse(_("{0} is not a valid date and time: {1}").format(label, frappe.bold(str(value)[:40])))


NOT_IN_ADDRESS = re.compile(r"[\s<>\"'`(),;:\[\]\\]")


def contact_email(label: str, value) -> str | None:
	"""One e-mail address, stored bare: a display name ("Name" <a@example.com>) is dropped, so no markup a
	customer or a mail sender wrote there is ever stored or shown; a list or anything that is not one valid
	address is refused. Frappe 15 accepts a display name in an Email field and stores it as given."""
	text = check_text(label, value, 140)
	if not text or not text.strip():
		return None
	found = getaddresses([text.strip()])
	address = found[0][1].strip() if len(found) == 1 else ""
	valid = address and not NOT_IN_ADDRESS.search(address) and address.count("@") == 1
	if not valid or (validate_email_address(address) or "").lower() != address.lower():
		refuse(_("{0} must be one e-mail address, such as name@example.com.").format(label))
	return address


def validate_document(doc) -> None:
	"""Every value of `doc` has the type and range of its column (child tables are the actions' own)."""
	for df in doc.meta.fields:
		if df.fieldtype in table_fields or df.fieldtype in no_value_fields or df.fieldname in default_fields:
			continue
		value = doc.get(df.fieldname)
		if value is None or value == "":
			continue
		label = _(df.label or df.fieldname)
		if df.fieldtype in NUMBER_TYPES:
			check_amount(label, value)
		elif df.fieldtype in DATE_TYPES:
			check_date(label, value)
		else:
			limit = (df.length or 140) if df.fieldtype in SHORT_TYPES else MAX_TEXT
			check_text(label, value, limit)
