"""Time a whole build against its read floor, step by step, on a demo municipality of N employees.

    ./run bench-build [--employees N] [--seed S] [--data DIR] [--keep]

Generates the demo exports once per (N, seed) under data/bench/ (reused on later runs), then,
in one process and one run: reads every export once with polars (the read floor), and builds
the warehouse into a temporary folder, printing per step the wall time and the peak resident
memory (sampled every 20 ms), the whole build's time and peak, and its ratio to the read floor.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import polars as pl

from pipeline.config import load_settings
from pipeline.flow import build, demo_data
from pipeline.read import list_exports


class PeakMemory:
    """Samples this process's resident memory; `take()` returns the peak since the last take."""

    def __init__(self, every: float = 0.02) -> None:
        self.peak, self.every, self._stop = 0, every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def take(self) -> int:
        peak, self.peak = max(self.peak, self.rss()), self.rss()
        return peak


def read_floor(raw: Path) -> float:
    """Seconds to read every export once with polars, as delivered (CSV and XLSX)."""
    start = time.perf_counter()
    for path in list_exports(raw):
        if path.suffix.lower() == ".xlsx":
            pl.read_excel(path)
        else:
            pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", separator=";" if b";" in path.open("rb").readline() else ",")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, default=None, help="exports to build (default: generated demo data)")
    args = parser.parse_args()
    settings = load_settings()
    raw = args.data or settings.root / "data" / "bench" / f"{args.employees}-{args.seed}"
    if not list(raw.glob("*.csv")):
        started = time.perf_counter()
        demo_data(settings, raw, args.employees, args.seed)
        print(f"demo data for {args.employees:,} employees written to {raw} in {time.perf_counter() - started:.0f} s")
    files = list_exports(raw)
    size = sum(p.stat().st_size for p in files)
    with PeakMemory() as memory, tempfile.TemporaryDirectory(dir=raw.parent) as tmp:
        floor = read_floor(raw)
        floor_peak = memory.take()
        print(f"read floor {floor:.1f} s", flush=True)
        steps: list[tuple[str, int]] = []

        def step(name: str) -> None:   # printed as it goes, so a run that dies still shows how far it got
            steps.append((name, memory.take()))
            print(f"  {time.perf_counter() - started:7.1f} s  peak so far {steps[-1][1] / 2**30:.2f} GiB  -> {name}", flush=True)
        run = replace(settings, raw=raw, warehouse=Path(tmp) / "bench.duckdb", key_file=Path(tmp) / "key",
                      duckdb={**settings.duckdb, "temp_directory": str(Path(tmp) / "spill")})
        started = time.perf_counter()
        result = build(run, step)
        total = time.perf_counter() - started
        peaks = [p for _, p in steps[1:]] + [memory.take()]
    print(f"{len(files)} exports, {size / 2**20:.0f} MiB; read floor (polars, every export once): "
          f"{floor:.1f} s, peak {floor_peak / 2**30:.2f} GiB")
    print(f"{'step':12s} {'wall s':>8s} {'peak GiB':>9s}")
    for (name, seconds), peak in zip(result.timings.items(), peaks):
        print(f"{name:12s} {seconds:8.1f} {peak / 2**30:9.2f}")
    print(f"{'build':12s} {total:8.1f} {max(peaks) / 2**30:9.2f}   = {total / floor:.1f}x the read floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
