"""The `sammen` command (also `python -m pipeline`)."""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from rich.console import Console

from pipeline.config import load_settings
from pipeline.errors import SammenError

console = Console(stderr=True)


class Steps:
    """Prints each step as it starts, and how long the previous one took."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.name = ""

    def __call__(self, name: str) -> None:
        self.finish()
        self.name, self.started = name, time.perf_counter()
        console.print(f"[bold]•[/bold] {name} ...")

    def finish(self) -> None:
        if self.started is not None:
            console.print(f"  [dim]{self.name}: {time.perf_counter() - self.started:.1f} s[/dim]")
            self.started = None


def cmd_demo_data(args: argparse.Namespace) -> int:
    from pipeline.flow import demo_data
    settings = load_settings()
    with console.status(f"Skriver demodata for {args.employees:,} medarbejdere ..."):
        files = demo_data(settings, Path(args.out), args.employees, args.seed)
    console.print(f"{len(files)} filer skrevet til {args.out}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from pipeline.flow import ValidationFailed, build
    from pipeline.report import format_findings
    settings = load_settings(raw=args.raw, warehouse=args.warehouse)
    steps = Steps()
    try:
        result = build(settings, steps)
    except ValidationFailed as failed:
        steps.finish()
        print(format_findings(failed.findings))
        console.print(f"[red]Kørslen er stoppet. Intet er ændret i {settings.warehouse}.[/red]")
        return 1
    steps.finish()
    if result.findings:
        print(format_findings(result.findings))
    console.print(f"[green]Lageret er bygget:[/green] {result.warehouse}  ({sum(result.timings.values()):.1f} s)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Demo data into its own folder (never the real raw folder), then the default warehouse."""
    settings = load_settings()
    demo_raw = settings.demo_raw or settings.root / "data" / "demo"
    if demo_raw.exists():
        shutil.rmtree(demo_raw)
    args.out = str(demo_raw)
    cmd_demo_data(args)
    args.raw, args.warehouse = demo_raw, None
    return cmd_build(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sammen", description="Sammen: ledelsesgrundlag og målinger i ét lager.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="demodata -> lager (hele hovedkørslen på indbygget demodata)")
    p.add_argument("--employees", type=int, default=4000)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("demo-data", help="skriv en demokommunes organisation og eksportfiler")
    p.add_argument("--out", required=True)
    p.add_argument("--employees", type=int, default=4000)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("build", help="læs, kontrollér og indlæs eksportfiler i lageret")
    p.add_argument("--raw", type=Path, default=None, help="mappe med eksportfiler og organisation.csv")
    p.add_argument("--warehouse", type=Path, default=None, help="DuckDB-fil (standard: data/warehouse/sammen.duckdb)")
    p.set_defaults(func=cmd_build)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SammenError as exc:
        console.print(f"[red]Fejl:[/red] {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
