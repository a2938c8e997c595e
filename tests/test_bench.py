"""The benchmark harness keeps working: its quick modes run here, without timing assertions.

The HTTP harness builds its own database on the engine of this run of the suite (a SQLite
file, or a scratch PostgreSQL database), serves it with ``comptoir serve`` and the floor,
checks that every compared scenario answers the same bytes on both, and drives each with wrk
for a second. A mismatch, a failed request or a crash fails the test; speed never does.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_in_process_quick_mode_agrees_with_the_floor(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "inprocess.py"), "--quick"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "ratio" in result.stdout


@pytest.mark.skipif(shutil.which("wrk") is None and os.geteuid() != 0,
                    reason="wrk is not installed and cannot be installed without root")
def test_http_quick_mode_runs_every_scenario(tmp_path):
    engine = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    report = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--engines", engine,
         "--soak-engine", engine, "--out", str(report)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    text = report.read_text()
    for scenario in ("show one contact (XML)", "show one contact (JSON)",
                     "list 100 contacts with nested items (XML)",
                     "list 100 contacts with nested items (JSON)", "create a contact (XML)",
                     "update one field (XML)", "create an invoice of 10 lines",
                     "validate an invoice", "first rendering of a validated 20-line invoice",
                     "page 9,000", "memory under"):
        assert scenario in text, scenario
    assert "API key" in text and "Basic e-mail + password" in text
