"""Today's code against a base commit under the same load, one after the other in one invocation (issue 20 §4):

	cd ~/frappe-bench/sites && ../env/bin/python ../apps/complaint_mgmt/benchmarks/load_compare.py \\
		--site h-load.localhost [--base 69ad128] [--users 50] [--duration 60] [-- <load_benchmark args>]

The base commit's files are exported (``git archive``, the repository is not touched) to a temporary directory,
with two additions so that both runs measure the same way: today's ``benchmarks/`` (the load generator) and the
server CPU probe (``complaint_mgmt/ops/``, its after_request hook appended to the base's hooks.py). Each run is
``benchmarks/load_benchmark.py`` of its tree in a process of its own whose PYTHONPATH starts with that tree, so
the load generator, the gunicorn it starts (the bench's worker count, a free loopback port), the seeding and the
clean-up all import that tree's ``complaint_mgmt``; the site's cache (Frappe keeps the hooks in Redis) is
cleared before each run. The runs alternate base, today, base, today... (``--rounds``) so that a change of the
machine's load reaches both. Prints each run's figures and, last, one JSON line
``{"benchmark": "load_compare", "figures": {...}}`` with the throughput and the action CPU of both and their
ratios.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(os.environ.get("FRAPPE_BENCH") or Path.home() / "frappe-bench").expanduser()
PROBE_HOOK = '\t"complaint_mgmt.ops.request_cpu.add_cpu_header",\n'


def export_base(commit: str, into: Path) -> Path:
	"""The commit's tree in `into`, plus today's load generator and CPU probe."""
	archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True)
	with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
		tar.extractall(into, filter="data")
	shutil.rmtree(into / "benchmarks")
	shutil.copytree(ROOT / "benchmarks", into / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
	shutil.copytree(ROOT / "complaint_mgmt" / "ops", into / "complaint_mgmt" / "ops", dirs_exist_ok=True)
	hooks = into / "complaint_mgmt" / "hooks.py"
	text = hooks.read_text()
	if "request_cpu" not in text:
		start = text.index("after_request = [")
		end = text.index("]", start)
		hooks.write_text(text[:end] + PROBE_HOOK + text[end:])
	return into


def clear_cache(site: str, env: dict) -> None:
	"""The site's cache, hooks included (Frappe keeps them in Redis: a run must not use the other tree's)."""
	python = str(BENCH / "env" / "bin" / "python")
	helper = [python, "-m", "frappe.utils.bench_helper", "frappe", "--site", site, "clear-cache"]
	subprocess.run(helper, cwd=str(BENCH / "sites"), env=env, check=True, capture_output=True)


def run(tree: Path, site: str, load_args: list[str]) -> dict:
	env = {**os.environ, "PYTHONPATH": str(tree)}
	clear_cache(site, env)
	cmd = [str(BENCH / "env" / "bin" / "python"), str(tree / "benchmarks" / "load_benchmark.py")]
	proc = subprocess.run(
		[*cmd, "--site", site, *load_args], cwd=str(BENCH / "sites"), env=env, capture_output=True, text=True
	)
	lines = [line for line in proc.stdout.splitlines() if line.startswith('{"benchmark": "load"')]
	if proc.returncode or not lines:
		raise SystemExit(f"load_benchmark.py of {tree} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
	text = proc.stdout
	detail = json.loads(text[text.index("{") : text.rindex(lines[-1])])  # the document before the figures
	return json.loads(lines[-1])["figures"] | {
		"problems": detail.get("problems", [])[:5],
		"cpu_by_endpoint": {k: v["mean_ms"] for k, v in (detail.get("cpu_by_endpoint") or {}).items()},
	}


def mean(values: list[float]) -> float | None:
	values = [v for v in values if v is not None]
	return round(sum(values) / len(values), 1) if values else None


def main(argv=None) -> dict:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-test.localhost"))
	parser.add_argument("--base", default="69ad128", help="the commit to compare with")
	parser.add_argument("--users", type=int, default=50)
	parser.add_argument("--duration", type=float, default=60)
	parser.add_argument("--rounds", type=int, default=1, help="base/today pairs")
	parser.add_argument("load_args", nargs="*", help="more arguments of load_benchmark.py (after --)")
	args = parser.parse_args(argv)
	load_args = ["--users", str(args.users), "--duration", str(args.duration), *args.load_args]
	runs: dict[str, list[dict]] = {"base": [], "today": []}
	with tempfile.TemporaryDirectory(prefix="cm-load-base-") as tmp:
		base = export_base(args.base, Path(tmp))
		for _round in range(args.rounds):
			for label, tree in (("base", base), ("today", ROOT)):
				figures = run(tree, args.site, load_args)
				runs[label].append(figures)
				print(json.dumps({"run": label, "figures": figures}), flush=True)
		clear_cache(args.site, dict(os.environ))  # the base's hooks must not stay in the site's cache
	figures = {}
	for label, rows in runs.items():
		figures[f"{label}_throughput_rps"] = mean([r["requests_per_s"] for r in rows])
		figures[f"{label}_action_cpu_ms"] = mean([r.get("action_cpu_ms") for r in rows])
		figures[f"{label}_read_cpu_ms"] = mean([r.get("read_cpu_ms") for r in rows])
		figures[f"{label}_p95_read_ms"] = mean([r["p95_read_ms"] for r in rows])
		figures[f"{label}_p95_action_ms"] = mean([r["p95_action_ms"] for r in rows])
		figures[f"{label}_errors"] = sum(r["errors"] for r in rows)
	if figures["base_throughput_rps"]:
		figures["throughput_ratio"] = round(
			figures["today_throughput_rps"] / figures["base_throughput_rps"], 2
		)
	if figures["today_action_cpu_ms"]:
		figures["action_cpu_ratio"] = round(figures["base_action_cpu_ms"] / figures["today_action_cpu_ms"], 2)
	figures["base"], figures["users"], figures["duration_s"] = args.base, args.users, args.duration
	figures["loadavg"] = os.getloadavg()
	print(json.dumps({"benchmark": "load_compare", "figures": figures}))
	return figures


if __name__ == "__main__":
	sys.exit(0 if main() else 1)
