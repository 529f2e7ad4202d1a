"""What a user does in the desk, as Playwright steps with explicit waits (no sleeps): log in, open a form, a
list or the ToDo inbox, pick a workflow action from the Actions menu, fill a dialog, confirm, screenshot."""

import re
from pathlib import Path
from urllib.parse import unquote

from playwright.sync_api import Locator, Page, expect

# The test site and its 2 cores are shared with other processes: an explicit wait returns as soon as its
# condition holds, so generous limits cost nothing when the machine is idle.
WAIT = 60_000
expect.set_options(timeout=30_000)
DIALOG = ".modal.show"
LISTBOX = "ul[role=listbox]:visible > *"  # the open Link dropdown (awesomplete)
# "done" once the form shows the value; "busy" when the server answered "try again" (a deadlock or lock wait
# with another process on the shared test site)
WAIT_DOC = """([f, v]) => {
	if (window.cur_frm && cur_frm.doc && cur_frm.doc[f] === v && !frappe.dom.freeze_count) return "done";
	const shown = Array.from(document.querySelectorAll(".modal.show")).map((m) => m.innerText).join(" ");
	return /Deadlock|too busy|Lock wait|QueryTimeout/i.test(shown) ? "busy" : false;
}"""
# Frappe's login script (templates/includes/login/login.js) binds the form's submit in frappe.ready
LOGIN_READY = """() => {
	const form = document.querySelector(".form-login");
	const events = form && window.jQuery && jQuery._data(form, "events");
	return Boolean(events && events.submit);
}"""
# the top dialog has finished opening: Bootstrap ignores a modal's hide() while its opening transition runs, so a
# primary button clicked earlier (a slow machine) runs the action and leaves the dialog open
DIALOG_SHOWN = """() => {
	const top = Array.from(document.querySelectorAll(".modal.show")).pop();
	const modal = top && window.jQuery && jQuery(top).data("bs.modal");
	return Boolean(modal && modal._isShown && !modal._isTransitioning);
}"""
# the desk (or a web page) has nothing to do: no request running, no freeze overlay
IDLE = """() => window.frappe && (!frappe.request || !frappe.request.ajax_count)
	&& (!frappe.dom || !frappe.dom.freeze_count)"""


class Desk:
	def __init__(self, page: Page, base: str, data, password: str, screens: Path):
		self.page, self.base, self.data, self.password, self.screens = page, base, data, password, screens
		self.user = None

	# -- session --
	def login(self, key: str) -> str:
		"""Log in through /login as the tier's user of that role; returns the user."""
		user = self.data.users[key]
		# leave the desk first: a request still running would set the old session's cookie again
		self.page.goto("about:blank")
		self.page.context.clear_cookies()
		# the login form is usable once the page's own script has bound its submit handler (DOMContentLoaded):
		# waiting for "load" also waited for every image and font, which a busy server can hold past the timeout
		self.page.goto(f"{self.base}/login", wait_until="domcontentloaded")
		self.page.wait_for_function(LOGIN_READY)
		self.page.fill("#login_email", user)
		self.page.fill("#login_password", self.password)
		self.page.locator(".form-login .btn-login").first.click()
		self.page.wait_for_url(lambda url: "/login" not in url)
		cookie = unquote({c["name"]: c["value"] for c in self.page.context.cookies()}.get("user_id", ""))
		assert cookie == user, f"logged in as {cookie}, not {user}"
		self.user = user
		return user

	def idle(self, timeout: float = WAIT) -> None:
		self.page.wait_for_function(IDLE, timeout=timeout)

	def goto(self, path: str) -> None:
		self.page.goto(f"{self.base}{path}")
		self.page.wait_for_function("() => window.frappe && frappe.boot && frappe.container")
		self.idle()

	# -- forms --
	def open_form(self, doctype_route: str, name: str) -> None:
		self.goto(f"/app/{doctype_route}/{name}")
		self.wait_form(name)

	def wait_form(self, name: str | None = None) -> None:
		if name:
			self.page.wait_for_function(
				"(n) => window.cur_frm && cur_frm.doc && cur_frm.doc.name === n && cur_frm.layout", arg=name
			)
		self.idle()
		expect(self.page.locator(".page-head .title-text:visible").first).to_be_visible()

	def doc_value(self, field: str):
		return self.page.evaluate("(f) => cur_frm.doc[f]", field)

	def wait_doc(self, field: str, value, retry=None, attempts: int = 3, timeout: float = WAIT) -> None:
		"""Until the form, reloaded after the action, shows `field` = `value`.

		The test site is shared with other processes: when the server answers that it was too busy (a
		deadlock or a lock wait, "please try again") the message is closed and the action sent again as a user
		would: the open dialog's primary button, else `retry`; at most `attempts` times in all."""
		answers = []
		for _attempt in range(attempts):
			outcome = self.page.wait_for_function(WAIT_DOC, arg=[field, value], timeout=timeout).json_value()
			if outcome == "done":
				self.idle()
				return
			answers.append(self.close_message())
			if self.page.locator(DIALOG).count():
				self.dialog_primary()  # the action's dialog stays open with what was typed: send it again
			elif retry:
				retry()  # a confirmation or a button: take the action again
			else:
				raise AssertionError(f"the server refused the action: {answers}")
		raise AssertionError(f"the server stayed too busy: {field} never became {value!r}: {answers}")

	def input(self, fieldname: str, scope: str = "") -> Locator:
		"""The control's own input (Frappe marks it with the fieldname too)."""
		return self.page.locator(
			f'{scope} :is(input, textarea, select)[data-fieldname="{fieldname}"]:visible'
		).first

	def fill(self, fieldname: str, value: str, scope: str = "") -> None:
		self.input(fieldname, scope).fill(str(value))

	def link_options(self, fieldname: str, text: str, scope: str = "") -> list[str]:
		"""Type into a Link field and return the texts of the dropdown it offers."""
		box = self.input(fieldname, scope)
		box.click()
		box.fill("")
		box.type(text, delay=20)
		items = self.page.locator(LISTBOX)
		expect(items.first).to_be_visible()
		self.idle()
		return [t.strip() for t in items.all_inner_texts()]

	def pick_link(self, fieldname: str, value: str, scope: str = "", search: str | None = None) -> None:
		"""Type into a Link field and pick `value` from its dropdown."""
		box = self.input(fieldname, scope)
		box.click()
		box.fill("")
		box.type(search or value, delay=20)
		self.idle()
		self.page.locator(LISTBOX, has_text=value).first.click()
		expect(box).to_have_value(re.compile(re.escape(value)))
		self.wait_value(fieldname, value, scope)

	def settle_links(self, values: dict[str, str], scope: str = "", attempts: int = 3) -> None:
		"""Link fields validate on the server, one request each: wait until every one of them holds its
		value, picking again any that a late validation emptied (a busy server answering nothing)."""
		for _attempt in range(attempts):
			self.idle()
			lost = [f for f, v in values.items() if not self.has_value(f, v, scope)]
			if not lost:
				return
			for field in lost:
				self.pick_link(field, values[field], scope)
		raise AssertionError(f"the Link fields {values} did not keep their values")

	def has_value(self, fieldname: str, value: str, scope: str = "") -> bool:
		owner = {DIALOG: "cur_dialog", ".web-form": "frappe.web_form"}.get(scope, "cur_frm")
		return self.page.evaluate(
			f"([f, v]) => !!({owner} && {owner}.fields_dict[f] && {owner}.fields_dict[f].get_value() === v)",
			[fieldname, value],
		)

	def wait_value(self, fieldname: str, value: str, scope: str = "") -> None:
		"""Until the control's value (not only its input) is `value`: the Link control validates it first."""
		owner = {DIALOG: "cur_dialog", ".web-form": "frappe.web_form"}.get(scope, "cur_frm")
		self.page.wait_for_function(
			f"([f, v]) => {owner} && {owner}.fields_dict[f] && {owner}.fields_dict[f].get_value() === v",
			arg=[fieldname, value],
		)

	def save(self) -> None:
		self.page.keyboard.press("Control+s")
		self.idle()

	# -- page head --
	def action(self, label: str) -> None:
		"""A workflow action from the form's Actions menu."""
		group = self.page.locator(".page-head .actions-btn-group:visible").first
		group.locator("button.dropdown-toggle, button").first.click()
		group.locator(".dropdown-menu a", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).first.click()

	def action_labels(self) -> list[str]:
		group = self.page.locator(".page-head .actions-btn-group:visible").first
		return [t.strip() for t in group.locator(".dropdown-menu a").all_text_contents() if t.strip()]

	def button(self, label: str) -> Locator:
		return self.page.locator(".page-head .page-actions button:visible", has_text=label).first

	# -- dialogs --
	def dialog(self) -> Locator:
		modal = self.page.locator(DIALOG).last
		expect(modal).to_be_visible()
		self.page.wait_for_function(DIALOG_SHOWN)
		return modal

	def dialog_primary(self) -> None:
		self.dialog().locator(".modal-footer .btn-primary:visible").first.click()

	def confirm(self) -> None:
		"""Answer Yes in frappe.confirm."""
		self.dialog_primary()
		self.idle()

	def close_message(self) -> str:
		"""The text of a frappe.msgprint on top, closed afterwards."""
		message = self.page.locator(".modal.show.msgprint-dialog, .modal.show:has(.msgprint)").last
		expect(message).to_be_visible()
		text = message.locator(".modal-body").inner_text()
		message.locator(".modal-header .btn-modal-close, .modal-header [data-dismiss=modal]").first.click()
		expect(message).to_be_hidden()
		return text

	# -- lists and the inbox --
	def open_list(self, route: str, query: str = "") -> None:
		self.goto(f"/app/{route}{query}")
		self.page.wait_for_selector(
			".frappe-list .result .list-row-container, .frappe-list .no-result:visible"
		)
		self.idle()

	def open_todo(self, todo: str) -> None:
		"""The user's inbox (/app/todo, narrowed to this ToDo: earlier tests leave the user more than a page of
		them), then the ToDo's Open button: the document it points at."""
		self.open_list("todo", f"?name={todo}")
		row = self.page.locator(f'.list-row-container:has(button.btn-action[data-name="{todo}"])')
		expect(row).to_be_visible()
		row.locator("button.btn-action").click()
		self.page.wait_for_url(re.compile(r"/app/(?!todo)"))

	def screenshot(self, name: str) -> None:
		self.idle()
		self.page.screenshot(path=str(self.screens / f"{name}.png"), full_page=False)

	def visible_texts(self, selector: str) -> list[str]:
		"""innerText of every visible element matching `selector`."""
		return self.page.evaluate(
			"""(sel) => Array.from(document.querySelectorAll(sel))
				.filter((el) => el.offsetParent !== null && el.innerText && el.innerText.trim())
				.map((el) => el.innerText.trim())""",
			selector,
		)
