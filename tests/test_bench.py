"""The benchmark's quick mode runs in the suite: product and floor must answer the same bytes."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_quick_mode_agrees_with_the_floor(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "inprocess.py"), "--quick"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "ratio" in result.stdout
