"""Resident memory of a process, sampled from /proc while a load runs."""

from __future__ import annotations

import threading
from pathlib import Path


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakRss:
    """`with PeakRss(pid) as peak:` ... `peak.mib`: the highest VmRSS seen, every 20 ms.

    VmHWM (the kernel's own high-water mark) is read too; it also covers the moments between
    samples, but counts from the process's start, warm-up included."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self.hwm_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_kib = max(self.peak_kib, _kib(self.pid, "VmRSS"))

    def __enter__(self) -> PeakRss:
        self.peak_kib = _kib(self.pid, "VmRSS")
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.hwm_kib = _kib(self.pid, "VmHWM")

    @property
    def mib(self) -> float:
        return self.peak_kib / 1024
