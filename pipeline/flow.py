"""The build, in one visible place: read -> validate -> transform -> load -> score (figures,
then the suppression stage, then what is published).

Configuration and exports are read first; every export is validated before anything is
written; the warehouse is built into a new file (an incremental build: a copy of the live one)
and swapped in only when every step succeeded, so a failed build leaves the live warehouse as
it was. Each step's wall time is in BuildResult.timings under the names of `done(...)`.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from pipeline import drivers as dr
from pipeline import disclosure, score
from pipeline import transform as tf
from pipeline.config import Settings, pseudonym_key
from pipeline.errors import ConfigError, SammenError
from pipeline.framework import Framework, load_framework
from pipeline.instruments import Instrument, items_frame, load_instruments
from pipeline.load import Parts, Source, load
from pipeline.manifest import configuration_digest, digest_file, manifest, read_manifest
from pipeline.mapping import Mapping, load_mapping
from pipeline.organisation import (FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE, read_headcount, read_lineage,
                                   read_organisation, units_at)
from pipeline.read import Export, list_exports, read_export
from pipeline.score import t_quantiles
from pipeline.validate import HEADER_ROWS, Finding, ValueCheck, bad_cell_findings, plan_findings, validate_values
from pipeline.warehouse import build_lock, building, private_path
from pipeline.yamlfile import load_yaml

Step = Callable[[str], None]


@dataclass(frozen=True)
class Configuration:
    framework: Framework
    instruments: dict[str, Instrument]
    mapping: Mapping
    aliases: dict[str, list[str]]
    units: pl.DataFrame
    headcount: pl.DataFrame
    lineage: pl.DataFrame
    fieldwork_days: int = 120


@dataclass
class Prepared:
    """One export after reading and typing, before pseudonymisation."""
    export: Export
    plan: tf.ColumnPlan
    typed: pl.DataFrame
    wave: str
    wave_date: date
    delivered: dict[str, dict[str, str]] = field(default_factory=dict)   # item -> answer off the scale -> as delivered


@dataclass
class BuildResult:
    warehouse: Path
    findings: list[Finding]
    timings: dict[str, float] = field(default_factory=dict)
    suppression: dict = field(default_factory=dict)
    incremental: bool = False
    reason: str = ""


class ValidationFailed(SammenError):
    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(f"{sum(f.error for f in findings)} fejl i data")


def load_configuration(settings: Settings) -> Configuration:
    framework = load_framework(settings.framework)
    instruments = load_instruments(settings.instruments)
    codes = [c for ins in instruments.values() for c in ins.items]
    if dup := sorted({c for c in codes if codes.count(c) > 1}):
        raise ConfigError(str(settings.instruments), f"spørgsmålskoden {dup[0]} bruges i flere kodebøger")
    units = read_organisation(settings.raw / FILE_NAME, framework.roles)
    return Configuration(
        framework=framework,
        instruments=instruments,
        mapping=load_mapping(settings.mapping, framework, instruments),
        aliases=load_yaml(settings.columns),
        units=units,
        headcount=read_headcount(settings.raw / HEADCOUNT_FILE, units),
        lineage=read_lineage(settings.raw / LINEAGE_FILE, units),
        fieldwork_days=settings.fieldwork_days,
    )


def prepare(export: Export, cfg: Configuration) -> tuple[Prepared | None, list[Finding]]:
    """Recognise and type one export; its values are judged with all the others' (validate_all)."""
    file = export.path.name
    plan = tf.plan_columns(export.frame.columns, cfg.aliases, cfg.instruments, export.texts, export.labels)
    findings = plan_findings(file, plan, {s: i.name for s, i in cfg.instruments.items()})
    if plan.survey is None or plan.missing_keys:
        if len(export.sheets) > 1:
            others = ", ".join(f"'{name}'" for name in export.sheets[1:])
            findings.append(Finding(file, f"dataene er læst fra det første ark, '{export.sheets[0]}', men filen har også "
                                          f"arkene {others}; ligger dataene dér, så flyt det ark forrest, eller gem det som CSV"))
        return None, findings
    typed, bad = tf.coerce(export.frame, plan)
    findings += bad_cell_findings(file, bad)
    if typed["answered_at"].drop_nulls().is_empty():
        return None, findings + [Finding(file, "ingen rækker med en læsbar besvarelsesdato", column="answered_at")]
    wave = tf.wave_of(typed["answered_at"], cfg.fieldwork_days)
    findings += wave_findings(file, wave, export.frame[plan.column_of("answered_at")])
    delivered = tf.off_scale_as_delivered(export.frame, typed, plan, cfg.instruments[plan.survey])
    return (Prepared(replace(export, frame=pl.DataFrame()), plan, typed, wave.name, wave.date, delivered),  # text freed
            findings)


def wave_findings(file: str, wave: tf.Wave, delivered: pl.Series) -> list[Finding]:
    """A date far from the others is a warning, not an error: the answer still counts in its
    file's wave, but the date is most likely mistyped, and HR should see it."""
    period = f"{wave.start:%d-%m-%Y} til {wave.end:%d-%m-%Y}"
    return [Finding(file, f"besvarelsesdatoen ligger uden for målingens indsamlingsperiode ({period}); besvarelsen "
                          f"tæller med i målingen {wave.name}, men datoen er sandsynligvis en tastefejl",
                    row=int(r) + HEADER_ROWS, column="answered_at", value=delivered[int(r)], error=False)
            for r in wave.outside.to_list()]


def validate_all(prepared: list[Prepared], findings: list[Finding], cfg: Configuration) -> list[Finding]:
    """The values of every typed export, judged in one great-expectations run; a cell already
    reported as unreadable (an unreadable date) is not reported again as missing."""
    checks = [ValueCheck(p.export.path.name, p.typed, p.plan, cfg.instruments[p.plan.survey],
                         units_at(cfg.units, p.wave_date)["unit_id"], f"{p.wave_date:%Y-%m-%d}", p.delivered)
              for p in prepared]
    reported = {(f.file, f.row, f.column) for f in findings}
    return [f for f in validate_values(checks) if (f.file, f.row, f.column) not in reported]


def cross_file_findings(prepared: list[Prepared]) -> list[Finding]:
    """One answer set per respondent and wave, also when a wave comes in several files."""
    if not prepared:
        return []
    ids = pl.concat([
        p.typed.select(pl.lit(p.plan.survey).alias("survey"), pl.lit(p.wave).alias("wave"),
                       "respondent_id", pl.lit(p.export.path.name).alias("file"))
        for p in prepared]).drop_nulls().unique()
    clashes = (ids.filter(pl.len().over("survey", "wave", "respondent_id") > 1)
               .group_by("survey", "wave", "respondent_id").agg(pl.col("file").sort().alias("files"))
               .group_by("survey", "wave", "files").agg(pl.len().alias("n"), pl.col("respondent_id").min().alias("first"))
               .sort("survey", "wave", "files"))
    # one finding per set of files: the same export saved twice is one mistake, not one per respondent
    return [Finding(r["files"][0], f"{r['n']} respondenter står både i {' og '.join(r['files'])} for {r['survey']} "
                                   f"{r['wave']} (én besvarelse pr. respondent og måling: er det den samme fil to gange?)",
                    column="respondent_id", value=r["first"])
            for r in clashes.iter_rows(named=True)]


def transform_all(prepared: list[Prepared], cfg: Configuration, key: bytes, settings: Settings) -> dict[str, Source]:
    """The source tables of the warehouse, from the validated exports and the configuration.
    Respondent-level tables come as one frame per export (loaded in turn, never concatenated
    in memory); competency scores leave this step as sums per unit, ready to add up the tree."""
    answers, score_sums, item_sums, alphas, waves, wave_items, drivers = [], [], [], [], [], [], []
    group_sums = []
    while prepared:
        p = prepared.pop(0)   # each export's frames are freed once transformed
        survey, instrument = p.plan.survey, cfg.instruments[p.plan.survey]
        typed = tf.pseudonymise(p.typed, key, survey, p.wave)
        ids = typed.select(survey=pl.lit(survey), wave=pl.lit(p.wave), respondent_key="respondent_key")
        codes = typed.drop("respondent_key").with_columns(pl.col(p.plan.items).cast(pl.Int16))   # validated: whole codes
        answers.append(pl.concat([ids, codes], how="horizontal"))
        scores = tf.item_scores(typed, instrument, p.plan.items)
        in_wave = pl.lit(survey, tf.KEY).alias("survey"), pl.lit(p.wave, tf.KEY).alias("wave")
        item_sums.append(tf.unit_item_sums(typed["unit_id"], scores).select(*in_wave, pl.all()))
        links = cfg.mapping.links.filter(pl.col("survey") == survey)
        respondent = tf.respondent_scores(scores, links)
        score_sums.append(tf.unit_score_sums(typed.select("unit_id"), respondent).select(*in_wave, pl.all()))
        if settings.breakdown_by:
            group = pl.col(settings.breakdown_by) if settings.breakdown_by in typed.columns else pl.lit(None, pl.String)
            keys = typed.select("unit_id", grp=group.fill_null(tf.NOT_GIVEN))
            group_sums.append(tf.unit_score_sums(keys, tf.breakdown_scores(respondent, settings.breakdown_areas))
                              .select(*in_wave, pl.all()))
        alphas.append(tf.cronbach_alpha(scores, links, survey, p.wave))
        if instrument.outcomes:
            drivers.append(dr.drivers(survey, p.wave, instrument.outcomes, scores, respondent, typed["unit_id"],
                                      units_at(cfg.units, p.wave_date), cfg.framework.competencies, tf.SCALE))
        waves.append({"survey": survey, "wave": p.wave, "wave_date": p.wave_date, "source_file": p.export.path.name,
                      "source_format": p.export.fmt, "n_rows": p.typed.height})
        wave_items += [{"survey": survey, "wave": p.wave, "item_code": c} for c in p.plan.items]
    all_items = [c for ins in cfg.instruments.values() for c in ins.items]
    ids = {"survey": pl.String, "wave": pl.String, "respondent_key": pl.String}
    answer_schema = {**ids, "unit_id": pl.String, "answered_at": pl.Date, **{c: pl.String for c in tf.BACKGROUND},
                     **{c: pl.Int16 for c in all_items}}
    in_wave = {"survey": tf.KEY, "wave": tf.KEY}
    return {
        "framework": cfg.framework.behaviours,
        "competencies": pl.DataFrame({"competency": cfg.framework.competencies,
                                      "position": range(1, len(cfg.framework.competencies) + 1)}),
        "roles": pl.DataFrame({"role": cfg.framework.roles, "rank": range(1, len(cfg.framework.roles) + 1)}),
        "surveys": pl.DataFrame([{"survey": s, "survey_name": i.name, "min_group_size": settings.min_n(s)}
                                 for s, i in cfg.instruments.items()]),
        "items": items_frame(cfg.instruments),
        "score_scale": tf.score_scale(cfg.instruments),
        "item_mapping": cfg.mapping.links,
        "behaviour_evidence": cfg.mapping.evidence,
        "units": cfg.units,
        "headcount": cfg.headcount,
        "lineage": cfg.lineage,
        "waves": pl.DataFrame(waves, schema={"survey": pl.String, "wave": pl.String, "wave_date": pl.Date,
                                             "source_file": pl.String, "source_format": pl.String, "n_rows": pl.Int64}),
        "wave_items": pl.DataFrame(wave_items, schema={"survey": pl.String, "wave": pl.String, "item_code": pl.String}),
        "answers": Parts(pl.DataFrame(schema=answer_schema), answers),
        "unit_item_sums": pl.concat([pl.DataFrame(schema={**in_wave, **tf.ITEM_SUM_SCHEMA}), *item_sums]),
        "unit_score_sums": pl.concat([pl.DataFrame(schema={**in_wave, **tf.SUM_SCHEMA}), *score_sums]),
        "unit_group_score_sums": pl.concat([pl.DataFrame(schema={**in_wave, "unit_id": tf.KEY, "grp": tf.KEY,
                                                                 **tf.SUM_SCHEMA}), *group_sums]),
        "breakdown_areas": pl.DataFrame({"role": list(settings.breakdown_areas),
                                         "background": [settings.breakdown_by] * len(settings.breakdown_areas)},
                                        schema={"role": pl.String, "background": pl.String}),
        "mapping_alpha": pl.concat([pl.DataFrame(schema=tf.ALPHA_SCHEMA), *alphas]),
        "drivers": pl.concat([pl.DataFrame(schema=dr.SCHEMA), *drivers]),
        "t_quantiles": t_quantiles(),
    }


def findings_frame(findings: list[Finding]) -> pl.DataFrame:
    return pl.DataFrame([f.__dict__ for f in findings], schema={
        "file": pl.String, "message": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "error": pl.Boolean})


APPENDED = {"answers", "unit_item_sums", "unit_score_sums", "unit_group_score_sums", "mapping_alpha",
            "drivers", "waves", "wave_items",
            "findings", "manifest"}   # the source tables that grow by export; the rest come from the configuration


@dataclass(frozen=True)
class BuildPlan:
    incremental: bool
    reason: str                      # for HR, in Danish
    exports: list[Path]              # the exports to read
    digests: dict[str, str]          # of those exports
    configuration: str
    loaded: dict[tuple[str, str], date] = field(default_factory=dict)   # (survey, wave) -> date, already loaded

    def follows(self, p: Prepared) -> bool:
        """Whether a new export's wave comes after every loaded wave of its survey."""
        return (p.plan.survey, p.wave) not in self.loaded and all(
            p.wave_date > d for (survey, _), d in self.loaded.items() if survey == p.plan.survey)


def plan_build(settings: Settings, key: bytes, full: bool = False) -> BuildPlan:
    """Add only new exports to the live warehouse when it was built from the same configuration
    and its exports are all still there unchanged; else build anew."""
    paths = list_exports(settings.raw)
    if not paths:
        raise SammenError(f"ingen eksportfiler (.csv/.xlsx) i {settings.raw}")
    digests = {p.name: digest_file(p) for p in paths}
    configuration = configuration_digest(settings, key)
    built_from, loaded, waves = read_manifest(private_path(settings.warehouse))
    new = [p for p in paths if p.name not in loaded]
    reason = ("fuld opbygning ønsket" if full else
              "intet lager at bygge videre på" if built_from is None else
              "konfiguration, organisation eller program er ændret siden sidst" if built_from != configuration else
              "en tidligere indlæst eksportfil er ændret eller fjernet" if any(digests.get(n) != d for n, d in loaded.items())
              else "ingen nye eksportfiler" if not new else "")
    if reason:
        return BuildPlan(False, reason, paths, digests, configuration)
    return BuildPlan(True, "1 ny eksportfil lægges til" if len(new) == 1 else f"{len(new)} nye eksportfiler lægges til", new, {p.name: digests[p.name] for p in new},
                     configuration, waves)


class _Rebuild(Exception):
    """An incremental build found that it must build anew (the reason, for HR)."""


def build(settings: Settings, step: Step = lambda _: None, full: bool = False) -> BuildResult:
    """Build the warehouse from the raw folder; raise ValidationFailed and change nothing on bad input.

    Incremental when possible (plan_build): only the new exports are read, validated and
    transformed, their waves decided by the suppression stage, and the rest kept as it was; the
    result is the same as a full build's (tests/test_incremental.py)."""
    key = pseudonym_key(settings)
    with build_lock(settings.warehouse):
        plan = plan_build(settings, key, full)
        try:
            return _build(settings, step, plan, key)
        except _Rebuild as rebuild:
            return _build(settings, step, replace(plan_build(settings, key, full=True), reason=str(rebuild)), key)


def _build(settings: Settings, step: Step, plan: BuildPlan, key: bytes) -> BuildResult:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def done(name: str) -> None:
        nonlocal clock
        timings[name] = round(time.perf_counter() - clock, 2)
        clock = time.perf_counter()

    step("Læser konfiguration, organisation og eksportfiler")
    cfg = load_configuration(settings)
    exports = [read_export(p) for p in plan.exports]
    done("read")

    step(f"Kontrollerer {len(exports)} filer (great-expectations)")
    prepared, findings = [], []
    while exports:
        p, f = prepare(exports.pop(0), cfg)
        findings += f
        if p is not None:
            prepared.append(p)
    findings += validate_all(prepared, findings, cfg) + cross_file_findings(prepared)
    if any(f.error for f in findings):
        raise ValidationFailed(findings)
    new_waves = {(p.plan.survey, p.wave) for p in prepared}
    if plan.incremental and not all(plan.follows(p) for p in prepared):
        # a wave loaded already, or before a loaded one (it changes its survey's trends)
        raise _Rebuild("en ny eksportfil hører til en måling, der allerede er indlæst, eller ligger før en af dem")
    done("validate")

    step("Omregner svar og beregner respondentscorer (polars)")
    sources = transform_all(prepared, cfg, key, settings)
    sources["findings"] = findings_frame(findings)
    sources["manifest"] = manifest(None if plan.incremental else plan.configuration, plan.digests)
    if plan.incremental:
        sources = {name: frame for name, frame in sources.items() if name in APPENDED}
    done("transform")

    waves = sorted(new_waves) if plan.incremental else None
    with building(settings.warehouse, settings.duckdb, waves) as con:
        step("Indlæser kildetabellerne i DuckDB")
        load(con, sources, append=plan.incremental)
        done("load")
        step("Bygger dimensioner, fakta og alle tal (DuckDB)")
        score.figures(con, waves)
        done("figures")
        step("Afgør, hvilke tal der må vises (anonymitet)")
        disclosure.run(con, settings.hide_unit_together, waves)
        done("suppress")
        step("Bygger de offentliggjorte tabeller og kontrollerer dem")
        suppression = score.publish(con, waves)
        done("publish")
        step("Skriver det offentliggjorte lager og det private")
    done("write")
    return BuildResult(settings.warehouse, findings, timings, suppression, plan.incremental, plan.reason)


def demo_data(settings: Settings, out: Path, employees: int, seed: int, formats: str = "mixed") -> list[Path]:
    """Write the demo municipality's organisation file and survey exports."""
    from pipeline.demo import generate_demo
    framework = load_framework(settings.framework)
    instruments = load_instruments(settings.instruments)
    links = load_mapping(settings.mapping, framework, instruments).links
    first = links.unique(["survey", "item_code"], keep="first", maintain_order=True)
    comp_index = {c: i for i, c in enumerate(framework.competencies)}
    item_competency = {(r["survey"], r["item_code"]): comp_index[r["competency"]] for r in first.iter_rows(named=True)}
    return generate_demo(out, instruments, item_competency, employees, seed, formats)
