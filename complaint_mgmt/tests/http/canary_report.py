"""The canary matrix's figures and findings: test-artifacts/canary-matrix.json (figures, every problem), an
optional Markdown list of findings grouped by defect (for whoever fixes them), and the terminal summary line."""

import json
import re
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
ARTIFACT = REPO / "test-artifacts" / "canary-matrix.json"
LATEST: dict = {}  # the last run's figures (read by the terminal summary in conftest.py)


def figures(matrix, changed: list, seconds: float, total: float, enumeration: dict) -> dict:
	cases = matrix.cases
	return {
		"cases": len(cases),
		"calls": matrix.calls,
		"methods": len({c.method for c in cases}),
		"doctypes": len({c.doctype for c in cases}),
		"roles": len({c.role for c in cases}),
		"canaries_seen": matrix.canaries_seen,
		"oracles": matrix.oracles,
		"write_cases": matrix.writes,
		"changed_rows": len(changed),
		"responses_500": matrix.server_errors,
		"failing_cases": len(matrix.problems),
		"seconds": round(seconds, 1),
		"seconds_with_setup": round(total, 1),
		"modules_imported": enumeration["imported"],
		"modules_failed": enumeration["failed"],
	}


def summary(f: dict) -> str:
	return (
		f"canary matrix: {f['calls']} calls ({f['methods']} methods x {f['doctypes']} doctypes x {f['roles']} "
		f"roles, {f['cases']} cases) in {f['seconds']} s: {f['canaries_seen']} canaries seen, "
		f"{f['oracles']} oracles, {f['write_cases']} writing cases, {f['changed_rows']} changed rows, "
		f"{f['responses_500']} responses >= 500; {f['failing_cases']} failing cases"
	)


def write(f: dict, matrix, changed: list, findings_path: str | None, known: dict) -> None:
	LATEST.clear()
	LATEST.update(f)
	problems = {"|".join(k): v for k, v in sorted(matrix.problems.items())}
	ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
	ARTIFACT.write_text(json.dumps({**f, "changed": changed, "problems": problems}, indent=1))
	if findings_path:
		Path(findings_path).write_text(findings(f, matrix.problems, changed, known))


def defect_of(kind: str, detail: str) -> str:
	"""A coarse grouping key: the kind of problem and, for a 500, the exception's type."""
	if kind == "500":
		match = re.search(r"([A-Za-z_]*(Error|Exception)\w*)", detail)
		return f"500 {match.group(1) if match else detail[:60]}"
	if kind == "leak":
		found = re.findall(r"'([^']*)'", detail.split(": ...", 1)[0])
		labels = sorted({re.sub(r" \S*\d\S*$", "", x) for x in found})
		return f"leak of {', '.join(labels)[:80]}"
	return kind


def findings(f: dict, problems: dict, changed: list, known: dict) -> str:
	groups = defaultdict(lambda: defaultdict(list))  # defect -> method -> [(doctype, role, detail)]
	for (method, doctype, role), items in problems.items():
		seen = set()
		for kind, detail in items:
			defect = defect_of(kind, detail)
			if defect not in seen:
				seen.add(defect)
				groups[defect][method].append((doctype, role, detail))
	lines = [
		"# Canary matrix findings (latest run; overwritten each run)",
		"",
		summary(f),
		"",
		f"Known (xfail) cases: {len(known)}. Failing cases: {len(problems)}.",
		"",
	]
	if changed:
		lines += ["## B's rows changed over the whole matrix", "", *[f"- {c}" for c in changed], ""]
	for defect in sorted(groups, key=lambda d: -sum(len(v) for v in groups[d].values())):
		methods = groups[defect]
		lines += [f"## {defect} ({sum(len(v) for v in methods.values())} cases)", ""]
		for method in sorted(methods):
			rows = methods[method]
			doctypes = sorted({d for d, _, _ in rows})
			roles = sorted({r for _, r, _ in rows})
			lines.append(f"- `{method}` — doctypes: {', '.join(doctypes)}; roles: {', '.join(roles)}")
			lines.append(f"  - e.g. {rows[0][0]} as {rows[0][1]}: `{rows[0][2][:400]}`")
		lines.append("")
	return "\n".join(lines)


def known_source(problems: dict) -> str:
	"""The rows of test_canary_matrix.KNOWN_TABLE as Python source: one (reason, method, doctypes, roles) line
	per defect and method where the failing cases are a full product, else one per doctype."""
	by = defaultdict(set)  # (reason, method) -> {(doctype, role)}
	for (method, doctype, role), items in problems.items():
		reasons = sorted({defect_of(kind, detail) for kind, detail in items})
		by[("; ".join(reasons), method)].add((doctype, role))
	lines = []
	for (reason, method), pairs in sorted(by.items(), key=lambda x: (x[0][1], x[0][0])):
		doctypes = sorted({d for d, _ in pairs})
		roles = sorted({r for _, r in pairs})
		if len(pairs) == len(doctypes) * len(roles):
			lines.append(
				f"\t({json.dumps(reason)}, {json.dumps(method)}, {json.dumps(doctypes)}, {json.dumps(roles)}),"
			)
			continue
		for doctype in doctypes:
			these = sorted(r for d, r in pairs if d == doctype)
			lines.append(
				f"\t({json.dumps(reason)}, {json.dumps(method)}, [{json.dumps(doctype)}], {json.dumps(these)}),"
			)
	return "\n".join(lines)
