"""The `sammen` command (also `python -m pipeline`)."""
from __future__ import annotations

import argparse
import getpass
import shutil
import sys
import time
from pathlib import Path

import polars as pl
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
        result = build(settings, steps, full=args.full)
    except ValidationFailed as failed:
        steps.finish()
        print(format_findings(failed.findings))
        console.print(f"[red]Kørslen er stoppet. Intet er ændret i {settings.warehouse}.[/red]")
        return 1
    steps.finish()
    if result.findings:
        print(format_findings(result.findings))
    print_anonymity(result.suppression, settings)
    how = "Lageret er udvidet" if result.incremental else "Lageret er bygget"
    console.print(f"[green]{how}:[/green] {result.warehouse}  ({sum(result.timings.values()):.1f} s; {result.reason})")
    return 0


def _num(x: int) -> str:
    return f"{x:,}".replace(",", ".")   # Danish thousands separator


def _pct(x: float) -> str:
    return f"{x * 100:.1f}".replace(".", ",") + " %"


def print_anonymity(s: dict, settings) -> None:
    """The suppression stage's summary: figures hidden per kind and rule, and the audit."""
    from pipeline.disclosure import FIGURE_NAMES
    limit = str(settings.min_group_size) if not settings.min_group_size_per_survey else "mindstegrænsen"
    console.print(f"Anonymitet (mindst {limit} besvarelser pr. gruppe; {s['families']} forskellige mål):")
    for figure, c in s["figures"].items():
        if figure == "stitched_score":
            parts = [f"{_num(c['lineage'])} fordi en forgængers eget tal var skjult"]
        else:
            parts = [f"{_num(c['primary'])} for få svar",
                     f"{_num(c['complementary'])} så intet kan regnes ud ved at trække tal fra hinanden"]
            parts += [f"{_num(c['together'])} sammen med enhedens andre tal"] if c["together"] else []
        console.print(f"  {FIGURE_NAMES.get(figure, figure)}: {_num(c['figures'])} tal; skjult " + ", ".join(parts))
    console.print(f"  Kontrol af de viste tal: {s['small_groups']} grupper under {limit} kan udledes "
                  f"({_num(s['figures_checked'])} viste tal trukket fra hinanden).")


DEMO_USERS = [  # username, role, unit name (None = all), password: documented in the README
    ("hr", "hr", None, "demo-hr-2026", "HR-konsulent (demo)"),
    ("chef", "chef", "Center for Skoler", "demo-chef-2026", "Chef for Center for Skoler (demo)"),
    ("med", "med", "Center for Dagtilbud", "demo-med-2026", "MED-udvalg, Center for Dagtilbud (demo)"),
]


def cmd_demo(args: argparse.Namespace) -> int:
    """Demo data into its own folder (never the real raw folder) -> the default warehouse ->
    demo users -> the dashboard."""
    import polars as pl

    from dashboard.users import UserStore
    from pipeline.organisation import FILE_NAME
    settings = load_settings()
    demo_raw = settings.demo_raw or settings.root / "data" / "demo"
    if demo_raw.exists():
        shutil.rmtree(demo_raw)
    args.out = str(demo_raw)
    cmd_demo_data(args)
    args.raw, args.warehouse, args.full = demo_raw, None, True   # new demo data: build anew
    if status := cmd_build(args):
        return status
    units = pl.read_csv(demo_raw / FILE_NAME, infer_schema=False)
    store = UserStore(settings.users)
    for username, role, unit_name, password, name in DEMO_USERS:
        unit = None if unit_name is None else units.filter(pl.col("unit_name") == unit_name)["unit_id"][0]
        store.add(username, role, unit, password, name, warehouse=settings.warehouse)
    console.print("Demobrugere: " + ", ".join(f"{u} / {p}" for u, _, _, p, _ in DEMO_USERS))
    if args.no_serve:
        return 0
    args.warehouse, args.auth, args.threads, args.dev = None, "file", None, False
    return cmd_serve(args)


def cmd_mapping_report(args: argparse.Namespace) -> int:
    """Mapping quality per competency x role: items, behaviours evidenced, alpha (warning < 0.7)."""
    import duckdb
    from rich.table import Table
    settings = load_settings(warehouse=args.warehouse)
    if not settings.warehouse.exists():
        raise SammenError(f"lageret findes ikke: {settings.warehouse} (kør først `sammen build`)")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rows = con.execute("select competency, role, n_items, n_behaviours, n_evidenced, without_evidence, alphas, "
                       "alpha_warning from mart_mapping_quality").fetchall()
    unmapped = con.execute("select survey, item_code, text from mart_unmapped_items").fetchall()
    con.close()
    table = Table(title="Kortlægningens kvalitet", show_lines=False)
    for col in ("Kompetence", "Rolleniveau", "Spørgsmål", "Adfærd med evidens", "Uden evidens", "Cronbachs alfa (seneste)", ""):
        table.add_column(col)
    for competency, role, items, n_b, n_e, missing, alphas, warn in rows:
        table.add_row(competency, role, str(items), f"{n_e} af {n_b}", missing or "", alphas or "–",
                      "[red]alfa under 0,7[/red]" if warn else "")
    out = Console(width=max(160, console.width))
    out.print(table)
    warnings = sum(1 for r in rows if r[7])
    out.print(f"{warnings} af {len(rows)} kombinationer har en alfa under 0,7 i mindst én måling. "
              f"{len(unmapped)} spørgsmål er ikke koblet: " + ", ".join(f"{s}/{c}" for s, c, _ in unmapped))
    return 0


def cmd_anonymity_report(args: argparse.Namespace) -> int:
    """What each anonymity choice hides on a built warehouse: each figure decided in its own
    measure (the default), or a unit's figures of a survey wave shown or hidden together."""
    import duckdb
    from rich.table import Table

    from pipeline import disclosure
    from pipeline.disclosure import FIGURE_NAMES
    from pipeline.warehouse import private_path
    settings = load_settings(warehouse=args.warehouse)
    private = private_path(settings.warehouse)
    if not private.exists():
        raise SammenError(f"lageret findes ikke: {private} (kør først `sammen build`)")
    con = duckdb.connect(str(private), read_only=True)   # the private figures: HR's own report
    choices = {together: disclosure.decide_all(con, together) for together in (False, True)}
    live = disclosure.audit(con)
    con.close()
    table = Table(title="Hvad skjules ved hvert valg (anonymity.hide_unit_together)")
    for col in ("Tal", "I alt", "Skjult, hvert mål for sig (false)", "Skjult, enhedens tal samlet (true)"):
        table.add_column(col)
    for (figure,), mine in choices[False].group_by("figure", maintain_order=True):
        other = choices[True].filter(pl.col("figure") == figure)
        cells = [f"{_num(d.height - int(d['shown'].sum()))} ({_pct(1 - d['shown'].mean())})" for d in (mine, other)]
        table.add_row(FIGURE_NAMES.get(figure, figure), _num(mine.height), *cells)
    Console(width=max(120, console.width)).print(table)
    console.print(f"\nLageret er bygget med hide_unit_together = {str(settings.hide_unit_together).lower()}; kontrol af "
                  f"de viste tal: {live['small_groups']} grupper under minimum kan udledes.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.export import export_parquet
    settings = load_settings(warehouse=args.warehouse)
    rows = export_parquet(settings.warehouse, args.parquet)
    console.print(f"{len(rows)} offentliggjorte tabeller skrevet som Parquet til {args.parquet} "
                  f"({_num(sum(rows.values()))} rækker); partitioneret efter survey og wave, hvor de har dem.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The dashboard on waitress (a production WSGI server that also runs on Windows); Flask's
    development server only with --dev."""
    from dashboard.app import create_app
    from dashboard.web import WebSettings
    settings = load_settings(warehouse=args.warehouse)
    if not settings.warehouse.exists():
        raise SammenError(f"lageret findes ikke: {settings.warehouse} (kør først `sammen build` eller `sammen demo`)")
    web = WebSettings.from_config(settings.dashboard, settings.private, auth=args.auth, threads=args.threads)
    app = create_app(settings.warehouse, settings.users, web)
    console.print(f"Sammen kører på http://{args.host}:{args.port}/  (Ctrl+C stopper)")
    if args.dev:
        console.print("[yellow]Udviklingsserveren (--dev) er ikke til drift.[/yellow]")
        app.run(host=args.host, port=args.port, debug=False)
    else:
        import waitress
        waitress.serve(app.server, host=args.host, port=args.port, threads=web.threads, ident="Sammen")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """The audit log: logins (also failed), views with their unit, exports; one line each."""
    from datetime import datetime, timezone

    from dashboard.audit import AuditLog
    settings = load_settings()
    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            raise SammenError(f"--since '{args.since}' er ikke en dato (skriv fx 2026-11-01)") from None
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
    log = AuditLog(args.log or settings.private / "audit.jsonl")
    for e in log.entries(since):
        rest = " ".join(f"{k}={v}" for k, v in e.items() if k not in ("time", "event", "user", "address") and v is not None)
        print(f"{e['time']}\t{e['event']}\t{e.get('user') or '-'}\t{e.get('address') or '-'}\t{rest}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from dashboard.users import UserStore
    settings = load_settings()
    store = UserStore(settings.users)
    if args.action == "add":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Adgangskode: ")
        user = store.add(args.username, args.role, args.unit, password, args.name or "", warehouse=settings.warehouse)
        console.print(f"Brugeren {user.username} ({user.role}) er gemt.")
    elif args.action == "remove":
        store.remove(args.username)
        console.print(f"Brugeren {args.username} er fjernet.")
    else:
        for u in store.list():
            print(f"{u.username}\t{u.role}\t{u.unit_id or 'alle enheder'}\t{u.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sammen", description="Sammen: ledelsesgrundlag og målinger i ét lager.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="demodata -> lager (hele hovedkørslen på indbygget demodata)")
    p.add_argument("--employees", type=int, default=4000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--no-serve", action="store_true", help="byg kun; start ikke dashboardet")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("demo-data", help="skriv en demokommunes organisation og eksportfiler")
    p.add_argument("--out", required=True)
    p.add_argument("--employees", type=int, default=4000)
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("build", help="læs, kontrollér og indlæs eksportfiler i lageret")
    p.add_argument("--raw", type=Path, default=None, help="mappe med eksportfiler og organisation.csv")
    p.add_argument("--warehouse", type=Path, default=None, help="DuckDB-fil (standard: data/warehouse/sammen.duckdb)")
    p.add_argument("--full", action="store_true",
                   help="byg hele lageret forfra (ellers lægges kun nye eksportfiler til, når intet andet er ændret)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="start dashboardet")
    p.add_argument("--warehouse", type=Path, default=None)
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--threads", type=int, default=None, help="waitress-tråde (standard: dashboard.threads)")
    p.add_argument("--dev", action="store_true", help="Flasks udviklingsserver i stedet for waitress (ikke til drift)")
    p.add_argument("--auth", choices=["file", "header", "oidc"], default=None,
                   help="login-måde (standard: dashboard.auth): file, header (SSO-proxy) eller oidc")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("mapping-report", help="kortlægningens kvalitet: evidens pr. adfærd og Cronbachs alfa")
    p.add_argument("--warehouse", type=Path, default=None)
    p.set_defaults(func=cmd_mapping_report)

    p = sub.add_parser("anonymity-report", help="hvad skjules, hvert mål for sig eller enhedens tal samlet")
    p.add_argument("--warehouse", type=Path, default=None)
    p.set_defaults(func=cmd_anonymity_report)

    p = sub.add_parser("export", help="skriv de offentliggjorte tabeller som Parquet (Power BI, Spark, Trino)")
    p.add_argument("--parquet", type=Path, required=True, help="mappe, der erstattes af eksporten")
    p.add_argument("--warehouse", type=Path, default=None)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("audit", help="revisionsloggen: logins, åbnede visninger og eksporter")
    p.add_argument("--since", help="kun fra denne dato (fx 2026-11-01)")
    p.add_argument("--log", type=Path, default=None, help="logfilen (standard: data/private/audit.jsonl)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("users", help="administrér dashboardets brugere")
    p.add_argument("action", choices=["add", "list", "remove"])
    p.add_argument("username", nargs="?")
    p.add_argument("--role", choices=["hr", "chef", "med"])
    p.add_argument("--unit", help="enhedskode (chef og med ser denne enhed og alt under den)")
    p.add_argument("--name", help="vist navn")
    p.add_argument("--password-stdin", action="store_true", help="læs adgangskoden fra standard input")
    p.set_defaults(func=cmd_users)

    args = parser.parse_args(argv)
    if getattr(args, "action", None) in ("add", "remove") and not args.username:
        parser.error("angiv et brugernavn")
    try:
        return args.func(args)
    except SammenError as exc:
        console.print(f"[red]Fejl:[/red] {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
