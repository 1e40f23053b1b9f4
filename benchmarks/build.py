"""Time a whole build against its read floor, step by step, on a demo municipality of N employees.

    ./run bench-build [--employees N] [--seed S] [--data DIR] [--incremental] [--keep FILE] [--runs N] [--parts]

Generates the demo exports once per (N, seed) under data/bench/ (reused on later runs), then,
in one process and one run: reads every export once with polars (the read floor), and builds
the warehouse into a temporary folder, printing per step the wall time and the peak resident
memory (sampled every 20 ms), the whole build's time and peak, and its ratio to the read floor.
--incremental: first builds every export but the newest, then times adding that one (an
incremental build) against the newest export's own read floor. --runs N: N builds, each from
scratch and each after its own read floor; the medians are printed (a shared machine is noisy).
--parts: also the wall time of the functions in PARTS, each summed over a build (median of the
builds), to see where a step's time goes without a profiler's overhead.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl

from pipeline.config import Settings, load_settings
from pipeline.flow import BuildResult, build, demo_data
from pipeline.private import private_dir
from pipeline.read import list_exports, read_export
from pipeline.warehouse import private_path


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


# --parts: (step, module, function). Nested ones are indented: `audit` includes `check` and
# `check_breakdowns`; `group_counts` is called by the stage and by the audit, and sums both.
PARTS = [("transform", "pipeline.drivers", "drivers"), ("transform", "pipeline.transform", "unit_score_sums"),
         ("transform", "pipeline.transform", "respondent_scores"), ("transform", "pipeline.transform", "pseudonymise"),
         ("transform", "pipeline.transform", "cronbach_alpha"), ("transform", "pipeline.transform", "unit_item_sums"),
         ("suppress", "pipeline.disclosure", "decide"), ("suppress", "pipeline.disclosure", "_in_waves"),
         ("suppress", "pipeline.disclosure", "decide_breakdowns"), ("suppress", "pipeline.disclosure", "_insert"),
         ("suppress", "pipeline.disclosure", "group_counts"), ("publish", "pipeline.disclosure", "audit"),
         ("publish", "pipeline.disclosure", "  check"), ("publish", "pipeline.disclosure", "  check_breakdowns"),
         ("write", "pipeline.warehouse", "_publish")]


def time_parts() -> dict[str, list[float]]:
    """Wrap every function of PARTS (looked up through its module at each call) with a timer;
    returns the seconds of each, to be read and reset after every build."""
    spent: dict[str, list[float]] = {}
    for _, module, name in PARTS:
        mod, name = importlib.import_module(module), name.strip()
        spent[name] = [0.0]

        def timed(*args: object, _f: Callable = getattr(mod, name), _name: str = name, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_name][0] += time.perf_counter() - started
        setattr(mod, name, functools.wraps(getattr(mod, name))(timed))
    return spent


def read_floor(raw: Path, only: Path | None = None) -> float:
    """Seconds to read every export (or only one) once with polars, as delivered (CSV and XLSX)."""
    start = time.perf_counter()
    for path in [only] if only else list_exports(raw):
        if path.is_dir() or path.suffix.lower() in (".zip", ".sav"):   # SurveyXact and SPSS: read as the pipeline does
            read_export(path)
        elif path.suffix.lower() == ".xlsx":
            pl.read_excel(path, sheet_id=0)
        else:
            pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", separator=";" if b";" in path.open("rb").readline() else ",")
    return time.perf_counter() - start


def newest_export(raw: Path) -> Path:
    """The export with the latest year in its name (the demo's newest waves)."""
    def year(p: Path) -> int:
        return max((int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", p.name)), default=0)
    return max(list_exports(raw), key=lambda p: (year(p), p.name))


def timed_build(run: Settings, memory: PeakMemory) -> tuple[BuildResult, float, list[int]]:
    """Build once; returns the result, the wall time and the peak memory of each step."""
    steps: list[tuple[str, int]] = []
    started = time.perf_counter()

    def step(name: str) -> None:   # printed as it goes, so a run that dies still shows how far it got
        steps.append((name, memory.take()))
        print(f"  {time.perf_counter() - started:7.1f} s  peak so far {steps[-1][1] / 2**30:.2f} GiB  -> {name}", flush=True)
    result = build(run, step)
    total = time.perf_counter() - started
    return result, total, [p for _, p in steps[1:]] + [memory.take()]


def report(timings: list[dict[str, float]], totals: list[float], peaks: list[list[int]], floors: list[float],
           result: BuildResult) -> None:
    """Per step the median wall time over the runs, and the first build's peak memory (later builds
    in the same process start from what the earlier ones left); the whole build's median against
    the read floor's median, both measured in this one run."""
    runs, first = len(totals), peaks[0]
    print(f"{'step':12s} {'wall s':>8s} {'peak GiB':>9s}" +
          (f"   (wall: median of {runs} builds; peak: the first)" if runs > 1 else ""))
    for i, name in enumerate(timings[0]):
        print(f"{name:12s} {statistics.median(t[name] for t in timings):8.1f} {first[i] / 2**30:9.2f}")
    total, floor = statistics.median(totals), statistics.median(floors)
    spread = f"; builds {min(totals):.1f}-{max(totals):.1f} s" if runs > 1 else ""
    print(f"{'build':12s} {total:8.1f} {max(first) / 2**30:9.2f}   = {total / floor:.1f}x the read floor"
          f"{spread}{'  (incremental: ' + result.reason + ')' if result.incremental else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, default=None, help="exports to build (default: generated demo data)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the built warehouse as this file, and its private one beside it (for ./run bench)")
    parser.add_argument("--incremental", action="store_true",
                        help="build all but the newest export, then time adding it against its own read floor")
    parser.add_argument("--runs", type=int, default=1, help="builds to take the median of (each from scratch)")
    parser.add_argument("--parts", action="store_true", help="also time the functions in PARTS within each step")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    settings = load_settings()
    raw = args.data or settings.root / "data" / "bench" / f"{args.employees}-{args.seed}"
    if not list(raw.glob("*.csv")):
        started = time.perf_counter()
        demo_data(settings, raw, args.employees, args.seed)
        print(f"demo data for {args.employees:,} employees written to {raw} in {time.perf_counter() - started:.0f} s")
    files = list_exports(raw)
    size = sum(p.stat().st_size for p in files)
    newest = newest_export(raw) if args.incremental else None
    floors, floor_peaks, timings, totals, peaks = [], [], [], [], []
    spent, parts = (time_parts() if args.parts else {}), []
    with PeakMemory() as memory:
        for i in range(args.runs):
            with tempfile.TemporaryDirectory(dir=raw.parent) as tmp:
                run = replace(settings, raw=Path(tmp) / "raw", warehouse=Path(tmp) / "bench.duckdb",
                              key_file=Path(tmp) / "key", duckdb={**settings.duckdb, "temp_directory": str(Path(tmp) / "spill")})
                run.raw.mkdir()
                for path in raw.iterdir():
                    if path != newest:
                        (run.raw / path.name).symlink_to(path.resolve())
                if newest:
                    print(f"building every export but {newest.name} first ...", flush=True)
                    build(run)
                    (run.raw / newest.name).symlink_to(newest.resolve())
                memory.take()
                floors.append(read_floor(run.raw, only=newest))
                floor_peaks.append(memory.take())
                print(f"build {i + 1} of {args.runs}: read floor {floors[-1]:.1f} s", flush=True)
                for seconds in spent.values():
                    seconds[0] = 0.0
                result, total, peak = timed_build(run, memory)
                parts.append({name: seconds[0] for name, seconds in spent.items()})
                timings.append(result.timings)
                totals.append(total)
                peaks.append(peak)
                if args.keep and i == args.runs - 1:   # both files: the published one and its private one
                    private_dir(private_path(args.keep).parent)
                    shutil.move(private_path(run.warehouse), private_path(args.keep))
                    shutil.move(run.warehouse, args.keep)
    what = f"adding {newest.name} ({newest.stat().st_size / 2**20:.0f} MiB)" if newest else \
        f"{len(files)} exports, {size / 2**20:.0f} MiB"
    print(f"{what}; read floor (polars, every export read once): {statistics.median(floors):.2f} s"
          f"{' (median)' if args.runs > 1 else ''}, peak {floor_peaks[0] / 2**30:.2f} GiB")
    report(timings, totals, peaks, floors, result)
    if parts:
        print(f"within the steps (wall s{', median of the builds' if args.runs > 1 else ''}):")
        for step, _, name in PARTS:
            print(f"  {step:10s} {name:20s} {statistics.median(p[name.strip()] for p in parts):8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
