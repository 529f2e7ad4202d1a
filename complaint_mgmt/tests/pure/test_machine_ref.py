"""The load benchmark's measure of the machine's speed (benchmarks/machine_ref.py): this process's CPU time, not
the wall clock, the median of its rounds."""

import sys
import time
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(APP_DIR))

from benchmarks.machine_ref import reference_ms, workload  # noqa: E402


def busy(ms: float):
	def work():
		start = time.process_time()
		while (time.process_time() - start) * 1000 < ms:
			pass

	return work


def test_waiting_costs_no_cpu():
	assert reference_ms(rounds=3, work=lambda: time.sleep(0.05)) < 5


def test_the_cpu_a_round_spends_is_counted():
	assert reference_ms(rounds=3, work=busy(20)) >= 20


def test_the_median_of_the_rounds():
	durations = iter([5, 80, 30])  # one slow round (the machine busy a moment) does not make the figure
	assert 25 <= reference_ms(rounds=3, work=lambda: busy(next(durations))()) < 75


def test_the_fixed_workload_takes_measurable_cpu():
	assert reference_ms(rounds=1, work=workload) > 1
