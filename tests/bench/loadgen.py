"""The load generator: Debian's `wrk` with a small Lua script, the same for every endpoint.

On this 2-core machine a Python (httpx) generator tops out near 1,000-1,700 requests/s and takes
the server's CPU; wrk, one thread, is event driven and costs a fraction of a core at these rates.
Each connection is a device: a closed loop, the next request once the answer is in. Every PUT
gets a fresh visit id (a prefix of this run, then a counter), so each is a new visit, never a
duplicate. The generator's own CPU is read from the kernel (wait4's rusage of the wrk process).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.processes import children

LUA = r"""
local tokens = {%(tokens)s}
local bodies = {%(bodies)s}
local fixed_path = %(fixed_path)s
local expected = %(expected)d
local prefix = "%(prefix)s"
local counter = 0
local bad = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  if fixed_path then
    return wrk.format("GET", fixed_path)
  end
  local device = counter %% #tokens + 1
  local visit = string.format("%%s-%%04x-4000-8000-%%012x", prefix, #tokens, counter)
  return wrk.format("PUT", "/api/visits/" .. visit, {
    ["Authorization"] = "Bearer " .. tokens[device],
    ["Content-Type"] = "application/json",
  }, bodies[device])
end

function response(status, headers, body)
  if status ~= expected then
    bad = bad + 1
    if bad == 1 then io.stderr:write("unexpected " .. status .. ": " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local unexpected = 0
  for _, thread in ipairs(threads) do unexpected = unexpected + (thread:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%%d,"duration_us":%%d,"p50":%%d,"p95":%%d,"p99":%%d,"max":%%d,' ..
    '"unexpected":%%d,"socket_errors":%%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, unexpected, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50: float  # seconds
    p95: float
    p99: float
    unexpected: int  # answers other than the expected status
    socket_errors: int
    generator_cpu: float  # share of one core the generator used
    server_cpu: float | None  # share of one core the API process used

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _lua_strings(values: list[str]) -> str:
    # Long brackets: the JSON bodies go in verbatim, quotes and backslashes included.
    return ", ".join(f"[==[{value}]==]" for value in values)


def _cpu_seconds(pid: int) -> float | None:
    """CPU time of the process and its children that run (an API server of several
    processes: uvicorn's supervisor and its workers)."""
    own = _own_cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(_own_cpu_seconds(child) or 0.0 for child in children(pid))


def _own_cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(
    base_url: str,
    connections: int,
    seconds: float,
    *,
    path: str | None = None,
    tokens: list[str] | None = None,
    bodies: list[dict] | None = None,
    expected: int = 200,
    server_pid: int | None = None,
) -> LoadResult:
    """`path`: GET it (the trivial endpoint); else PUT a new visit per request, device i sending
    bodies[i] with tokens[i]."""
    binary = wrk_path()
    if binary is None:
        raise RuntimeError("wrk is missing: run scripts/install-test-system-deps.sh as root")
    script = LUA % {
        "tokens": _lua_strings(tokens or []),
        "bodies": _lua_strings([json.dumps(body, separators=(",", ":")) for body in bodies or []]),
        "fixed_path": "nil" if path is None else f'"{path}"',
        "expected": expected,
        "prefix": uuid.uuid4().hex[:8],
    }
    with tempfile.TemporaryDirectory(prefix="keukentafel-wrk-") as folder:
        lua, out = Path(folder) / "load.lua", Path(folder) / "out.txt"
        lua.write_text(script)
        server_before = _cpu_seconds(server_pid) if server_pid else None
        with out.open("w") as output:
            process = subprocess.Popen(
                [
                    binary,
                    "-t1",  # one thread: plenty for one loopback server, leaves it the cores
                    f"-c{connections}",
                    f"-d{max(1, round(seconds))}s",
                    "--timeout=10s",
                    "-s",
                    str(lua),
                    base_url,
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            # wait4, not wait: the kernel's account of this one child's CPU time.
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        server_after = _cpu_seconds(server_pid) if server_pid else None
        text = out.read_text()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {text}")
    line = next(line for line in text.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    elapsed = data["duration_us"] / 1e6
    return LoadResult(
        requests=data["requests"],
        seconds=elapsed,
        p50=data["p50"] / 1e6,
        p95=data["p95"] / 1e6,
        p99=data["p99"] / 1e6,
        unexpected=data["unexpected"],
        socket_errors=data["socket_errors"],
        generator_cpu=(usage.ru_utime + usage.ru_stime) / elapsed,
        server_cpu=(
            (server_after - server_before) / elapsed
            if server_before is not None and server_after is not None
            else None
        ),
    )
