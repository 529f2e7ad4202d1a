"""The site side of the cluster's scripts (sweep_site.py, load_site.py): ``python <script> SITE COMMAND ARGS...``
from the bench's sites folder runs COMMAND's function as Administrator on SITE and prints its answer as one JSON
line."""

import json
import sys
from collections.abc import Callable


def run(site: str, commands: dict[str, Callable], command: str, *args: str) -> object:
	import frappe

	if command not in commands:
		raise SystemExit(f"unknown command {command}")
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		return commands[command](*args)
	finally:
		frappe.destroy()


def serve(commands: dict[str, Callable]) -> None:
	print(json.dumps(run(sys.argv[1], commands, *sys.argv[2:]), default=str))
