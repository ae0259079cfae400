"""A py-spy profile of the API process while it ingests, summarised as its top frames.

py-spy samples the running process from outside (no code change, no restart); `--nonblocking`
keeps it from pausing the server, so the load is what it would be without it."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tests.bench import loadgen

PY_SPY = Path(sys.executable).parent / "py-spy"
# Leaf frames that wait rather than work: the event loop's select, aiosqlite's idle worker
# threads (one per connection) blocked on their queue. py-spy cannot always tell them idle.
WAITING = ("EpollSelector.select", "Condition.wait", "aiosqlite/core.py:59)")
# Frames from these places are ours or the libraries a request passes through.
INTERESTING = ("api/", "visit_forms/", "piccolo/", "asyncpg/", "aiosqlite/", "litestar/", "msgspec")


def available() -> bool:
    return PY_SPY.exists()


def record(
    pid: int, out: Path, url: str, devices: int, seconds: float, load: dict[str, Any]
) -> None:
    """Sample `pid` while `devices` connections put load on it (`load`: loadgen.run's options)."""
    spy = subprocess.Popen(
        [
            str(PY_SPY),
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--output",
            str(out),
            "--duration",
            str(round(seconds) + 1),
            "--rate",
            "200",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    loadgen.run(url, devices, seconds, **load)
    _, error = spy.communicate(timeout=seconds + 60)
    if spy.returncode != 0:
        raise RuntimeError(f"py-spy failed: {error.strip()}")


def summary(raw: Path, top: int = 15) -> str:
    """Self time (where the CPU was) and inclusive time of our own and the libraries' frames,
    as shares of the samples at work."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = waiting = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        frames = stack.split(";")
        if any(wait in frames[-1] for wait in WAITING):
            waiting += samples
            continue
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            if any(part in frame for part in INTERESTING):
                inclusive[frame] += samples
    if not total:
        return "no samples"
    lines = [
        f"{total} samples at work ({waiting} more waiting: select, idle threads); "
        "self time (the frame on the CPU):"
    ]
    lines += [f"  {n / total:6.1%}  {frame}" for frame, n in own.most_common(top)]
    lines.append("inclusive time (the frame or anything it called):")
    lines += [f"  {n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(top * 2)]
    return "\n".join(lines)
