"""The bridge that lets ``bench run-tests`` run the pytest suite reports what pytest reported, one test each."""

import unittest

from complaint_mgmt.tests import test_pytest_suite as bridge

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
<testcase classname="complaint_mgmt.tests.pure.test_a" name="test_ok" />
<testcase classname="complaint_mgmt.tests.pure.test_a" name="test_bad"><failure message="assert 1 == 2">trace</failure></testcase>
<testcase classname="complaint_mgmt.tests.site.test_b" name="test_boom"><error message="fixture failed">trace</error></testcase>
<testcase classname="complaint_mgmt.tests.site.test_b" name="test_later"><skipped message="not here" /></testcase>
</testsuite></testsuites>
"""


def run(result: dict) -> unittest.TestResult:
	outcome = unittest.TestResult()
	bridge.make_case(result).run(outcome)
	return outcome


def test_each_pytest_result_becomes_one_unittest_with_the_same_outcome(tmp_path):
	path = tmp_path / "report.xml"
	path.write_text(REPORT)
	results = bridge.read_report(path)
	assert [(r["id"], r["outcome"]) for r in results] == [
		("complaint_mgmt.tests.pure.test_a::test_ok", "passed"),
		("complaint_mgmt.tests.pure.test_a::test_bad", "failure"),
		("complaint_mgmt.tests.site.test_b::test_boom", "error"),
		("complaint_mgmt.tests.site.test_b::test_later", "skipped"),
	]
	outcomes = [run(r) for r in results]
	assert [(o.testsRun, len(o.failures), len(o.skipped)) for o in outcomes] == [
		(1, 0, 0),
		(1, 1, 0),
		(1, 1, 0),
		(1, 0, 1),
	]
	assert "assert 1 == 2" in outcomes[1].failures[0][1]


def test_pytest_finds_no_test_case_class_in_the_bridge():
	assert not [name for name in vars(bridge) if name.startswith("Test")]
