"""wrk, driven from Python: one bounded run, its figures parsed.

wrk (Debian's package) is a compiled load generator; on loopback it costs the servers far less
than a Python client would. A run is described by a :class:`Load`: requests to cycle through
(each wrk thread takes every n-th, so two threads never send the same one: a validation of a
given draft happens once) and the headers they share.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when it is missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt:
        sudo = [] if _is_root() else ["sudo", "-n"]
        subprocess.run([*sudo, apt, "install", "-y", "-q", "wrk"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("wrk is needed: install it (Debian: apt-get install wrk) and run again")


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


def wrk_version(path: str) -> str:
    result = subprocess.run([path, "--version"], capture_output=True, text=True)
    return (result.stdout or result.stderr).splitlines()[0].strip()


@dataclass
class Load:
    """What wrk sends: ``entries`` of (method, path, body or None), cycled through."""

    entries: list[tuple[str, str, str | None]] = field(default_factory=list)
    headers: dict = field(default_factory=dict)

    @classmethod
    def get(cls, paths, headers) -> Load:
        return cls([("GET", p, None) for p in paths], dict(headers))

    @classmethod
    def send(cls, method: str, paths, body: str, headers) -> Load:
        return cls([(method, p, body) for p in paths], dict(headers))

    def lua(self, threads: int) -> str:
        def q(text: str | None) -> str:
            return "nil" if text is None else "[==[" + text + "]==]"

        headers = "".join(f"wrk.headers[ {q(k)} ] = {q(v)}\n" for k, v in self.headers.items())
        entries = ",\n".join(f"{{{q(m)}, {q(p)}, {q(b)}}}" for m, p, b in self.entries)
        return f"""
local entries = {{
{entries}
}}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  step = 0
end
{headers}
function request()
  -- thread t of n sends entries t, t + n, t + 2n...: no two threads send the same one
  local e = entries[(tid + step * {threads}) % #entries + 1]
  step = step + 1
  return wrk.format(e[1], e[2], nil, e[3])
end
"""


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run(base_url: str, load: Load, seconds: float, connections: int, threads: int,
        wrk: str = "wrk") -> dict:
    """One wrk run: requests per second, p50/p99 latency in ms, failures."""
    threads = max(1, min(threads, connections))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(load.lua(threads))
    try:
        result = subprocess.run(
            [wrk, "--latency", "-t", str(threads), "-c", str(connections),
             "-d", f"{max(1, round(seconds))}s", "--timeout", "30s", "-s", script.name,
             base_url],
            capture_output=True, text=True, timeout=seconds + 120,
        )
    finally:
        Path(script.name).unlink()
    out = result.stdout
    if result.returncode != 0 or "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr}{out}")
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.MULTILINE)
        figures[f"p{pct}"] = _ms(match.group(1))
    match = re.search(r"(\d+) requests in", out)
    figures["requests"] = int(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["failed"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      out)
    figures["socket_errors"] = sum(int(g) for g in match.groups()) if match else 0
    return figures
