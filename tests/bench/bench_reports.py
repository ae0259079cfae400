"""Benchmark: render and seal a typical visit report (three pages, two drawn signatures).

Run with `make bench` (or `python -m tests.bench.bench_reports [RUNS]`). Prints a table; no
timing is asserted anywhere. One process, one report at a time: what one worker process does.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:8.1f} {p95 * 1000:8.1f}"


async def main(runs: int) -> None:
    from api.keys import ensure_seal
    from api.reports.render import render_report
    from api.reports.sealing import load_seal, seal_pdf
    from tests.unit.reports.report_samples import sample_content

    seals = Path(tempfile.mkdtemp(prefix="keukentafel-bench-"))
    organisation = uuid.uuid4()
    ensure_seal(seals, organisation, "Woonstichting Proef", passphrase="")
    seal = load_seal(seals, organisation, "")
    content = sample_content(draft=False)

    async def once() -> tuple[float, float, bytes]:
        start = time.perf_counter()
        pdf = await asyncio.to_thread(render_report, content)
        rendered = time.perf_counter()
        sealed = await seal_pdf(pdf, seal, reason="benchmark", location="bench")
        return rendered - start, time.perf_counter() - rendered, sealed

    for _ in range(3):  # warm-up: fonts, imports, first-call caches
        await once()
    render, sealing, total = [], [], []
    wall = time.perf_counter()
    sealed = b""
    for _ in range(runs):
        r, s, sealed = await once()
        render.append(r)
        sealing.append(s)
        total.append(r + s)
    elapsed = time.perf_counter() - wall
    print(f"report benchmark: {runs} runs, {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"typical report: {_pages(sealed)} pages, {len(sealed) / 1024:.0f} KB, 2 signatures")
    print(f"{'step':<18} {'median ms':>9} {'p95 ms':>8}")
    print(f"{'render':<18} {_ms(render)}")
    print(f"{'seal (PAdES)':<18} {_ms(sealing)}")
    print(f"{'render + seal':<18} {_ms(total)}")
    print(f"reports per second (one worker process, one at a time): {runs / elapsed:.1f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
