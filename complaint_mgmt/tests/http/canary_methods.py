"""The canary matrix's list of endpoints, enumerated from the running code (not written by hand).

Run as a separate process (``python -m complaint_mgmt.tests.http.canary_methods``, the test does it at
collection): it imports every module of the ``frappe`` and ``complaint_mgmt`` packages (``pkgutil``; tests,
patches and the CLI are left out, a module that fails to import is listed as such), then reads the registries
``@frappe.whitelist`` fills (``frappe.whitelisted``, ``frappe.guest_methods``,
``frappe.allowed_http_methods_for_whitelisted_func``) and the site's ``override_whitelisted_methods`` (the server
answers the overriding function, so its signature is the one that counts). It prints one JSON object:

- ``methods``: every module-level whitelisted function that takes a doctype, a name, filters, fields, a sort, a
  search text or a document (by parameter name: ``PARAM_KINDS``), or that reads such keys from
  ``frappe.form_dict`` itself (``reportview.get`` & co. take no parameters);
- ``doc_methods``: per protected doctype, the whitelisted methods of its controller (``run_doc_method``);
- ``imported`` / ``failed``: how many modules were imported, which failed.

A separate process, because importing every module of Frappe can patch things (the test process must stay as
it was) and takes a few seconds that a run that does not collect the matrix should not pay.
"""

import importlib
import inspect
import json
import os
import pkgutil
import re
import sys

# parameter name -> kind (what the matrix puts there)
PARAM_KINDS = {
	**dict.fromkeys(
		(
			"doctype",
			"dt",
			"reference_doctype",
			"parenttype",
			"ref_doctype",
			"document_type",
			"reference_type",
		),
		"doctype",
	),
	**dict.fromkeys(
		(
			"name",
			"docname",
			"dn",
			"reference_name",
			"doc_name",
			"document_name",
			"old_name",
			"old",
			"source_name",
			"document",
		),
		"name",
	),
	**dict.fromkeys(("docnames", "names", "items", "source_names"), "names"),
	**dict.fromkeys(
		("filters", "or_filters", "current_filters", "extra_filters", "export_filters"), "filters"
	),
	**dict.fromkeys(("fields", "fieldname", "filter_fields", "select_columns", "columns"), "fields"),
	**dict.fromkeys(("field", "searchfield", "sort_field"), "field"),
	**dict.fromkeys(("order_by", "sort_by"), "order_by"),
	"group_by": "group_by",
	**dict.fromkeys(("txt", "text"), "txt"),
	**dict.fromkeys(("doc", "docs"), "doc"),
}
# the kinds that make a method part of the matrix ("field" etc. only come along)
SELECTING_KINDS = ("doctype", "name", "names", "filters", "fields", "order_by", "group_by", "txt", "doc")
# the keys a form_dict reader gets when it parses its arguments with reportview.get_form_params
LIST_QUERY_KEYS = ("doctype", "fields", "filters", "or_filters", "order_by", "group_by")
SKIPPED_MODULES = re.compile(
	r"(\.tests?(\.|$)|\.test_|\.patches(\.|$)|^frappe\.commands|^frappe\.testing|^frappe\.parallel_test_runner"
	r"|^frappe\.utils\.bench_helper|^frappe\.search\.sqlite_search)"
)
FORM_KEY = re.compile(r"form_dict(?:\.get\(\s*[\"'](\w+)|\.(\w+)|\[\s*[\"'](\w+))")
FORM_DICT_METHODS = {"get", "pop", "update", "copy", "items", "keys", "values", "setdefault"}


def import_all(package: str) -> tuple[int, list[str]]:
	root = importlib.import_module(package)
	imported, failed = 0, []
	for info in pkgutil.walk_packages(root.__path__, package + ".", onerror=lambda name: None):
		if SKIPPED_MODULES.search(info.name):
			continue
		try:
			importlib.import_module(info.name)
			imported += 1
		except BaseException as exc:
			failed.append(f"{info.name}: {type(exc).__name__}")
	return imported, failed


def form_keys(fn) -> list[str]:
	"""The form_dict keys a parameterless whitelisted function reads (from its source)."""
	try:
		source = inspect.getsource(inspect.unwrap(fn))
	except (OSError, TypeError):
		return []
	keys = set()
	for get, attr, item in FORM_KEY.findall(source):
		keys.add(get or item or (attr if attr not in FORM_DICT_METHODS else ""))
	keys.discard("")
	if "get_form_params(" in source:
		keys.update(LIST_QUERY_KEYS)
	return sorted(keys)


def describe(path: str, fn, guest: bool, http_methods: list[str]) -> dict | None:
	try:
		params = inspect.signature(fn).parameters
	except (TypeError, ValueError):
		return None
	named = {
		n: {"required": p.default is inspect.Parameter.empty}
		for n, p in params.items()
		if n != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
	}
	form = []
	if not named:
		form = form_keys(fn)
		named = {k: {"required": False} for k in form}
	kinds = {n: PARAM_KINDS.get(n) for n in named}
	if not any(k in SELECTING_KINDS for k in kinds.values()):
		return None
	return {
		"path": path,
		"params": {n: {**named[n], "kind": kinds[n]} for n in named},
		"guest": guest,
		"http_methods": http_methods,
		"form_dict": bool(form),
	}


def enumerate_methods(site: str, sites_path: str, protected: list[str]) -> dict:
	import frappe
	import frappe.handler
	from frappe.model.base_document import get_controller

	os.chdir(sites_path)
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	imported, failed = 0, []
	for package in ("frappe", "complaint_mgmt"):
		done, bad = import_all(package)
		imported, failed = imported + done, failed + bad
	guests = set(frappe.guest_methods)
	allowed = frappe.allowed_http_methods_for_whitelisted_func
	overrides = {k: v[-1] for k, v in frappe.get_hooks("override_whitelisted_methods", {}).items()}
	methods = {}
	targets = {t for t in overrides.values() if "." in t}
	for fn in frappe.whitelisted:
		if "." in fn.__qualname__:  # a controller method: reached through run_doc_method (doc_methods)
			continue
		path = f"{fn.__module__}.{fn.__qualname__}"
		if path in overrides:
			continue  # described below through its override
		if path in targets:
			continue  # an override's own path: the same function, called once through the path it overrides
		entry = describe(path, fn, fn in guests, list(allowed.get(fn, [])))
		if entry:
			methods[path] = entry
	for path, target in overrides.items():
		# as frappe.handler.get_attr resolves it: a dotted path, or a name of frappe.handler itself
		fn = frappe.get_attr(target) if "." in target else getattr(frappe.handler, target, None)
		if fn is None:
			continue
		entry = describe(path, fn, fn in guests, list(allowed.get(fn, [])))
		if entry:
			methods[path] = {**entry, "override": target}
	doc_methods = {}
	whitelisted = set(frappe.whitelisted)
	for doctype in protected:
		try:
			controller = get_controller(doctype)
		except Exception:
			continue
		doc_methods[doctype] = sorted(
			n
			for n, member in inspect.getmembers(controller, inspect.isfunction)
			if member in whitelisted and not n.startswith("_")
		)
	frappe.destroy()
	return {
		"methods": sorted(methods.values(), key=lambda m: m["path"]),
		"doc_methods": doc_methods,
		"imported": imported,
		"failed": failed,
	}


def main() -> None:
	site, sites_path, protected = sys.argv[1], sys.argv[2], sys.argv[3:]
	result = enumerate_methods(site, sites_path, protected)
	sys.stdout.write("\n@@CANARY-METHODS@@" + json.dumps(result))


if __name__ == "__main__":
	main()
