"""The table: markdown, to stdout and to var/bench/results-<date>.md, with the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

from tests.bench.common import Results, Sizes


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    postgres = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {postgres or 'PostgreSQL client missing'}, "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )


def _met(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "**no**")


def render(results: Results, sizes: Sizes, started: dt.datetime, seconds: float) -> str:
    lines = [
        f"`{'BENCH=quick ' if sizes.quick else ''}make bench`, {started:%Y-%m-%d %H:%M} UTC, "
        f"{machine()}; {seconds / 60:.1f} min.",
        "",
        "| what | backend | median | p95 | p99 | aim | met | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results.rows:
        cells = [row.what, row.backend, row.median, row.p95, row.p99, row.aim, _met(row.met)]
        lines.append("| " + " | ".join([*cells, row.note]) + " |")
    for title, text in results.sections.items():
        lines += ["", f"**{title}**", "", "```", text, "```"]
    return "\n".join(lines) + "\n"


def output_dir() -> Path:
    folder = Path(os.environ.get("KEUKENTAFEL_BENCH_DIR", "var/bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write(text: str, started: dt.datetime, quick: bool) -> Path:
    path = output_dir() / f"results-{started:%Y-%m-%d-%H%M}{'-quick' if quick else ''}.md"
    path.write_text(text)
    return path
