"""Canaries on every endpoint (issue 17, item 6).

Every whitelisted method of Frappe 15 and of the app that takes a doctype, a name, filters, fields, a sort, a
search text or a document (enumerated from the running code: canary_methods.py), the REST routes (v1 and v2) and
the whitelisted methods of the protected doctypes' controllers (run_doc_method) are called with each protected
doctype as department A's roles, the roles without the contact fields, a customer and a guest
(canary_cases.py). Department B's complaint carries canary strings (seed.py). A case fails if a canary reaches
its body, if its answer depends on a canary (twin requests), if it changes B's rows, or if it answers >= 500
(canary_run.py). Once before and once after the whole matrix, B's rows are compared as a whole too.

The run writes test-artifacts/canary-matrix.json (figures and every problem) and, when CANARY_FINDINGS names a
file, the findings grouped by defect in Markdown there. The figures are printed in the terminal summary.

KNOWN_LEAKS: cases that fail on main today because of a defect that is being fixed in complaint_mgmt/security;
strict xfail, so a fix makes its case pass and forces its entry out.
"""

import json
import os
import time
from pathlib import Path

import pytest

from complaint_mgmt.tests.http import canary_cases as cc
from complaint_mgmt.tests.http import canary_report as report
from complaint_mgmt.tests.http import canary_targets as tg
from complaint_mgmt.tests.http.canary_run import Matrix, phases

# The cases that fail on main today: (defect, method, doctypes, roles), each row meaning every doctype x role
# of it (canary_report.known_source writes these rows from a run; the evidence of each case is in the run's
# test-artifacts/canary-matrix.json and in the findings list). A fix turns its cases into XPASS: strict, so the
# row must then go.
# fmt: off
KNOWN_TABLE: list[tuple[str, str, list[str], list[str]]] = [
]
# fmt: on
# (method, doctype, role) -> the defect
KNOWN_LEAKS: dict[tuple[str, str, str], str] = {
	(method, doctype, role): reason
	for reason, method, doctypes, roles in KNOWN_TABLE
	for doctype in doctypes
	for role in roles
}
# B's rows change over the whole matrix today (the reason), or None
KNOWN_CHANGED_ROWS: str | None = None


def pytest_generate_tests(metafunc):
	if "case" in metafunc.fixturenames:
		params = []
		for case in cc.build_cases():
			marks = ()
			if case.key in KNOWN_LEAKS:
				marks = pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[case.key])
			params.append(pytest.param(case, id=case.id, marks=marks))
		metafunc.parametrize("case", params)


@pytest.fixture(scope="module")
def outcome(http, seed):
	started = time.monotonic()
	targets = tg.Targets.load(seed)
	before = tg.state(targets)
	matrix = Matrix(http, targets, cc.build_cases())
	compared, late = phases(matrix.cases)
	seconds = matrix.run(compared)
	after = tg.state(targets)
	seconds += matrix.run(late)
	changed = tg.changed(before, after)
	figures = report.figures(matrix, changed, seconds, time.monotonic() - started, cc.enumeration())
	report.write(figures, matrix, changed, os.environ.get("CANARY_FINDINGS"), KNOWN_LEAKS)
	return {"matrix": matrix, "changed": changed, "figures": figures}


def test_canary(case, outcome):
	problems = outcome["matrix"].problems.get(case.key)
	assert not problems, f"{case.id}: " + " | ".join(f"{kind}: {detail}" for kind, detail in problems[:4])


@pytest.mark.xfail(bool(KNOWN_CHANGED_ROWS), strict=True, reason=str(KNOWN_CHANGED_ROWS))
def test_b_rows_unchanged_by_the_whole_matrix(outcome):
	assert not outcome["changed"], f"B's rows changed: {outcome['changed'][:10]}\n{outcome['figures']}"


def test_matrix_figures(outcome):
	f = outcome["figures"]
	assert f["calls"] >= 5000, f"the matrix made too few calls: {f}"
	# its time is a figure (printed, in the artifact), not a condition: speed is for the benchmarks
	assert f["methods"] >= 150, f"the enumeration is short: {f}"
	assert Path(report.ARTIFACT).is_file()
	assert json.loads(Path(report.ARTIFACT).read_text())["calls"] == f["calls"]
