"""Simulate survey answers and write them as vendors deliver them.

The model behind an answer (on a 0-1 "good" scale before it is cut into the
item's response categories): item baseline + unit effect + forvaltning effect +
the current leader's effect (general and per competency; some units change
leader between waves) + a small yearly drift + respondent effect + noise.
Then "Ved ikke"/"Ikke relevant" codes, skipped items and partial completions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.demo.exports import FORMAT_PLAN, write_export
from pipeline.demo.org import JOB_GROUPS, DemoOrg, build_org
from pipeline.instruments import Instrument
from pipeline.organisation import FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE, units_at

WAVES = {  # survey -> (years, month the survey runs)
    "trivsel": (range(2019, 2027), 3),
    "apv": ((2020, 2023, 2026), 10),
    "ledelsesevaluering": ((2021, 2023, 2025), 5),
}
AGE_GROUPS = ["Under 30 år", "30-39 år", "40-49 år", "50-59 år", "60 år og derover"]
SENIORITY = ["Under 2 år", "2-5 år", "Over 5 år"]
CHUNK = 200_000   # respondents simulated at a time, to bound memory at national scale


@dataclass
class Effects:
    unit: dict[str, float]
    leader: dict[str, list[tuple[int, float, np.ndarray]]]   # unit -> [(from year, general, per competency)]


def _effects(org: DemoOrg, n_comp: int, rng: np.random.Generator) -> Effects:
    unit, leader = {}, {}
    forv = {name: rng.normal(0, 0.03) for name in JOB_GROUPS}
    for uid in org.units["unit_id"].unique(maintain_order=True).to_list():
        unit[uid] = rng.normal(0, 0.06) + forv.get(org.forvaltning.get(uid, ""), 0.0)
        spells = [(0, rng.normal(0, 0.07), rng.normal(0, 0.05, n_comp))]
        if rng.random() < 0.10:   # a leader change between waves
            spells.append((int(rng.integers(2020, 2026)), rng.normal(0, 0.07), rng.normal(0, 0.05, n_comp)))
        leader[uid] = spells
    return Effects(unit=unit, leader=leader)


def _leader_at(effects: Effects, uid: str, year: int) -> tuple[float, np.ndarray]:
    spell = [s for s in effects.leader[uid] if s[0] <= year][-1]
    return spell[1], spell[2]


def _simulate_wave(survey: str, year: int, month: int, instrument: Instrument, item_comp: np.ndarray,
                   org: DemoOrg, effects: Effects, drift: float, rng: np.random.Generator) -> pl.DataFrame:
    wave_day = date(year, month, 1)
    units = units_at(org.units, wave_day)
    ids = units["unit_id"].to_list()
    size = np.array([max(0, round(org.staff.get(u, 0) * rng.uniform(0.92, 1.08))) for u in ids])
    n_resp = rng.binomial(size, rng.uniform(0.70, 0.90, len(ids)))
    unit_idx = np.repeat(np.arange(len(ids)), n_resp)
    n = len(unit_idx)
    items = list(instrument.items.values())
    base = rng.uniform(0.55, 0.75, len(items))
    lead_gen = np.empty(len(ids))
    lead_comp = np.zeros((len(ids), item_comp.max() + 1))   # last column: items mapped to nothing
    for k, uid in enumerate(ids):
        lead_gen[k], comp = _leader_at(effects, uid, year)
        lead_comp[k, :len(comp)] = comp
    unit_eff = np.array([effects.unit[u] for u in ids])
    lo = np.array([it.scale_min for it in items])
    hi = np.array([it.scale_max for it in items])
    rev = np.array([it.reversed for it in items])
    missing_code = np.array([min(it.missing) if it.missing else -1 for it in items])
    chunks = []
    for start in range(0, n, CHUNK):
        u = unit_idx[start:start + CHUNK]
        m = len(u)
        g = (base[None, :] + (unit_eff[u] + lead_gen[u] + drift + rng.normal(0, 0.10, m))[:, None]
             + lead_comp[u][:, item_comp] + rng.normal(0, 0.14, (m, len(items))))
        v = lo + np.rint(np.clip(g, 0, 1) * (hi - lo))
        v = np.where(rev, hi + lo - v, v)
        dont_know = (rng.random((m, len(items))) < 0.03) & (missing_code >= 0)
        v = np.where(dont_know, missing_code, v)
        skipped = rng.random((m, len(items))) < 0.02
        partial = rng.random(m) < 0.03          # stopped early: only the first fifth answered
        skipped |= partial[:, None] & (np.arange(len(items)) >= len(items) // 5)
        chunk = pl.DataFrame({it.code: v[:, j] for j, it in enumerate(items)}).cast(pl.Int16)
        chunk = chunk.with_columns(
            pl.when(pl.Series(skipped[:, j])).then(None).otherwise(pl.col(it.code)).alias(it.code)
            for j, it in enumerate(items))
        chunks.append(chunk)
    answers = pl.concat(chunks) if chunks else pl.DataFrame(schema={it.code: pl.Int16 for it in items})
    unit_col = np.array(ids, dtype=object)[unit_idx]
    forv = [org.forvaltning.get(u, "Økonomi og Personale") for u in unit_col]
    job = [JOB_GROUPS.get(f, ["Administrativ"])[k % len(JOB_GROUPS.get(f, [1]))]
           for f, k in zip(forv, rng.integers(0, 4, n))]
    first_day = date(year, month, 1)
    days = rng.integers(0, 21, n)
    meta = pl.DataFrame({
        "respondent_id": [f"R{x:08d}" for x in rng.permutation(n) + int(rng.integers(10**6, 10**7))],
        "unit_id": unit_col.tolist(),
        "answered_at": [first_day + timedelta(days=int(d)) for d in days],
        "age_group": np.array(AGE_GROUPS)[rng.integers(0, len(AGE_GROUPS), n)].tolist(),
        "seniority": np.array(SENIORITY)[rng.integers(0, len(SENIORITY), n)].tolist(),
        "job_group": job,
    }, schema={"respondent_id": pl.String, "unit_id": pl.String, "answered_at": pl.Date,
               "age_group": pl.String, "seniority": pl.String, "job_group": pl.String})
    headcount = pl.DataFrame({"unit_id": ids, "date": [first_day] * len(ids), "headcount": size.tolist()},
                             schema={"unit_id": pl.String, "date": pl.Date, "headcount": pl.Int64})
    return pl.concat([meta, answers], how="horizontal"), headcount


def generate_demo(out: Path, instruments: dict[str, Instrument], item_competency: dict[tuple[str, str], int],
                  employees: int = 4000, seed: int = 2026, formats: str = "mixed") -> list[Path]:
    """Write organisation.csv and every survey export into `out`; return the files written.
    formats: "mixed" (FORMAT_PLAN: as vendors deliver) or "csv" (every wave as UTF-8 CSV).

    item_competency maps (survey, item) to a competency index, so leaders' strengths
    show in the items that measure them.
    """
    rng = np.random.default_rng(seed)
    org = build_org(employees, rng)
    n_comp = max(item_competency.values(), default=0) + 1
    effects = _effects(org, n_comp, rng)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / FILE_NAME]
    org.units.with_columns(pl.col("valid_from", "valid_to").dt.strftime("%Y-%m-%d")).write_csv(written[0])
    written.append(out / LINEAGE_FILE)
    org.lineage.with_columns(pl.col("date").dt.strftime("%Y-%m-%d")).write_csv(written[-1])
    headcounts = []
    for survey, (years, month) in WAVES.items():
        instrument = instruments[survey]
        item_comp = np.array([item_competency.get((survey, code), -1) for code in instrument.items])
        item_comp = np.where(item_comp < 0, n_comp, item_comp)
        drift = 0.0
        for year in years:
            drift += rng.normal(0.004, 0.012)
            frame, headcount = _simulate_wave(survey, year, month, instrument, item_comp, org, effects, drift, rng)
            headcounts.append(headcount)
            fmt = FORMAT_PLAN[(survey, year)] if formats == "mixed" else "csv-utf8-bom"
            written.append(write_export(frame, out, survey, year, fmt, instrument))
    written.append(out / HEADCOUNT_FILE)
    pl.concat(headcounts).sort("date", "unit_id").with_columns(pl.col("date").dt.strftime("%Y-%m-%d")).write_csv(written[-1])
    return written
