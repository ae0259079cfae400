"""Reports: render and seal a typical visit report (three pages, two drawn signatures), one at
a time in one process: what one worker process does per report."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.bench.common import Results, Row, Sizes, median_ms, percentile

AIM = 0.300


def _pages(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    pages = [line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")]
    return pages[0] if pages else "?"


async def _measure(runs: int) -> tuple[list[float], list[float], list[float], float, bytes]:
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
    sealed = b""
    wall = time.perf_counter()
    for _ in range(runs):
        r, s, sealed = await once()
        render.append(r)
        sealing.append(s)
        total.append(r + s)
    return render, sealing, total, runs / (time.perf_counter() - wall), sealed


def run(results: Results, sizes: Sizes) -> None:
    render, sealing, total, per_second, sealed = asyncio.run(_measure(sizes.report_runs))
    shape = f"{_pages(sealed)} pages, 2 signatures, {len(sealed) / 1024:.0f} KB"
    results.add(Row("report: render", "-", *median_ms(render), note=shape))
    results.add(Row("report: seal (PAdES, RSA 3072)", "-", *median_ms(sealing)))
    median, p95 = median_ms(total)
    results.add(
        Row(
            "report: render + seal",
            "-",
            median,
            p95,
            aim=f"< {AIM * 1000:.0f} ms",
            met=percentile(total, 0.5) < AIM,
            note=f"{len(total)} runs",
        )
    )
    results.add(Row("report: reports/s, one worker process", "-", f"{per_second:.1f}/s"))
