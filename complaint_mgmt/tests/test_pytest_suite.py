"""``bench --site SITE run-tests --app complaint_mgmt`` runs the app's whole pytest suite.

Frappe 15's runner imports every ``test_*.py`` of the app and loads its unittest cases; the app's tests are written
for pytest (fixtures, parametrised cases), so on their own they give the runner nothing to run. This module's
``load_tests`` (the unittest protocol) runs pytest once on ``complaint_mgmt/tests`` with the bench's python on the
runner's site, and hands the runner one test per pytest test, passing, failing or erroring as pytest reported it:
the count ``bench run-tests`` prints is the real number of tests, and any failure fails the run. pytest itself
finds no test here (the case class is made inside ``load_tests``), so ``scripts/run-tests`` counts nothing twice.
"""

import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CHECKOUT = TESTS.parents[1]


def run_pytest(site: str, bench: Path) -> tuple[list[dict], str]:
	"""Every test pytest ran: {id, outcome, message}; and pytest's output (for a run that collected nothing)."""
	with tempfile.TemporaryDirectory() as tmp:
		report = Path(tmp) / "pytest.xml"
		env = {**os.environ, "CM_TEST_SITE": site, "FRAPPE_BENCH": str(bench)}
		command = [sys.executable, "-m", "pytest", str(TESTS), "-q", "-p", "no:cacheprovider"]
		proc = subprocess.run(
			[*command, f"--junitxml={report}"], cwd=CHECKOUT, env=env, capture_output=True, text=True
		)
		if not report.exists():
			return [], proc.stdout + proc.stderr
		return read_report(report), proc.stdout[-5000:] + proc.stderr[-5000:]


def read_report(path: Path) -> list[dict]:
	results = []
	for case in ET.parse(path).getroot().iter("testcase"):
		outcome, message = "passed", ""
		for child in case:
			if child.tag in ("failure", "error", "skipped"):
				outcome = child.tag
				message = (child.get("message") or "") + "\n" + (child.text or "")
		results.append(
			{"id": f"{case.get('classname')}::{case.get('name')}", "outcome": outcome, "message": message}
		)
	return results


def make_case(result: dict) -> unittest.TestCase:
	class PytestTest(unittest.TestCase):
		def id(self):
			return result["id"]

		def __str__(self):
			return result["id"]

		def runTest(self):
			if result["outcome"] == "skipped":
				self.skipTest(result["message"])
			if result["outcome"] != "passed":
				self.fail(f"pytest reported {result['outcome']}:\n{result['message']}")

	return PytestTest()


def load_tests(loader, standard_tests, pattern):
	import frappe

	site = getattr(frappe.local, "site", None) or os.environ.get("CM_TEST_SITE", "complaint-test.localhost")
	bench = Path(getattr(frappe.local, "sites_path", None) or ".").resolve().parent
	results, output = run_pytest(site, bench)
	suite = unittest.TestSuite()
	if not results:
		suite.addTest(make_case({"id": "pytest", "outcome": "error", "message": "no test ran:\n" + output}))
	for result in results:
		suite.addTest(make_case(result))
	return suite
