"""Start and stop the two servers the harness compares, and read their workers' memory.

Both run under gunicorn with the same worker class (sync), the same worker count, on the same
database: the product through ``comptoir serve`` (exactly what an operator runs), the floor
as ``gunicorn floor.app:application`` from this directory.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


class Server:
    def __init__(self, name: str, argv: list[str], env: dict, port: int, log: Path):
        self.name, self.argv, self.env, self.port, self.log = name, argv, env, port, log
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, probe_path: str = "/") -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            self.argv, env={**os.environ, **self.env}, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", probe_path)
                conn.getresponse().read()
                conn.close()
                if len(self.worker_pids()) >= 1:
                    time.sleep(0.5)  # let every worker finish booting
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on port {self.port}; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    # -- memory ---------------------------------------------------------------------------

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        master = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command may contain spaces and parentheses: the ppid follows the last ')'.
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                pids.append(int(entry.name))
        return sorted(pids)

    def worker_memory(self) -> list[dict]:
        """VmRSS and VmHWM (peak RSS) of each worker, in MiB."""
        found = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            values = {}
            for line in status.splitlines():
                key, _, rest = line.partition(":")
                if key in {"VmRSS", "VmHWM"}:
                    values[key] = int(rest.split()[0]) / 1024
            found.append({"pid": pid, "rss": values.get("VmRSS", 0.0),
                          "peak": values.get("VmHWM", 0.0)})
        return found


def product(port: int, workers: int, database_url: str, data_dir: Path, log: Path) -> Server:
    return Server(
        "product",
        [str(BIN / "comptoir"), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        {"DATABASE_URL": database_url, "COMPTOIR_DATA_DIR": str(data_dir)},
        port, log,
    )


def floor(port: int, workers: int, database_url: str, credentials: str, log: Path) -> Server:
    return Server(
        "floor",
        [str(BIN / "gunicorn"), "--chdir", str(BENCH), "--workers", str(workers),
         "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "floor.app:application"],
        {"DATABASE_URL": database_url, "FLOOR_CREDENTIALS": credentials},
        port, log,
    )
