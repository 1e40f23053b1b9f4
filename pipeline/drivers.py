"""Drivkræfter: which of the six competencies go with an outcome (e.g. job satisfaction), per
role level — relative importance from respondent-level data (docs/metode.md, "Drivkræfter").

For the respondents whose own unit is led at role level R: the outcome is the mean of the
outcome items' 0–100 scores (at least half answered), the predictors the respondent's six
competency scores for R (part `own`). Johnson's relative weights split the model's R² into
one share per competency (they add up to R²; correlated predictors share fairly). A bootstrap
(respondents resampled, seeded by the group, so a rebuild gives the same numbers) gives each
share a 95 % interval. Only groups of at least MIN_GROUP respondents with every score are
published: the kommune, and each area led by a Chef or a Direktør. Association, not cause.
"""
from __future__ import annotations

import hashlib

import numpy as np
import polars as pl

MIN_GROUP = 25
RESAMPLES = 200
AREA_ROLES = ("Chef", "Direktør")
SCHEMA = {"survey": pl.String, "wave": pl.String, "outcome": pl.String, "role": pl.String, "area_unit_id": pl.String,
          "competency": pl.String, "n": pl.Int64, "r2": pl.Float64, "importance": pl.Float64,
          "ci_low": pl.Float64, "ci_high": pl.Float64}


def relative_weights(corr: np.ndarray) -> np.ndarray:
    """Johnson (2000): each predictor's share of R², the shares adding up to R². corr: the
    correlation matrix of the predictors and (last) the outcome, or a stack of them (…, k+1, k+1)."""
    rxx, rxy = corr[..., :-1, :-1], corr[..., :-1, -1]
    values, vectors = np.linalg.eigh(rxx)
    lam = (vectors * np.sqrt(np.clip(values, 0, None))[..., None, :]) @ np.swapaxes(vectors, -1, -2)
    beta = np.linalg.lstsq(lam, rxy, rcond=None)[0] if lam.ndim == 2 else \
        np.linalg.solve(lam + 1e-12 * np.eye(lam.shape[-1]), rxy[..., None])[..., 0]
    return ((lam ** 2) @ (beta ** 2)[..., None])[..., 0]


def _corr(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Correlation matrices from weighted first and second moments: (…, k) and (…, k, k)."""
    cov = second - first[..., :, None] * first[..., None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=-2, axis2=-1), 1e-300, None))
    return cov / (sd[..., :, None] * sd[..., None, :])


def importance(x: np.ndarray, y: np.ndarray, seed: str) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(R², share of R² per predictor, 2.5 % and 97.5 % bootstrap bounds of each share). The
    resamples are drawn as counts per respondent and enter through the data's moments, so a
    resample costs two matrix products, not a copy of the data."""
    data = np.column_stack([x, y])
    n, k = data.shape
    if np.any(data.std(axis=0) == 0):
        nan = np.full(x.shape[1], np.nan)
        return float("nan"), nan, nan, nan
    products = (data[:, :, None] * data[:, None, :]).reshape(n, k * k)
    weights = relative_weights(_corr(data.mean(axis=0), products.mean(axis=0).reshape(k, k)))
    r2 = float(weights.sum())
    rng = np.random.default_rng(int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big"))
    shares = []
    for start in range(0, RESAMPLES, 25):
        chunk = min(25, RESAMPLES - start)
        counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(chunk)]) / n
        boot = relative_weights(_corr(counts @ data, (counts @ products).reshape(chunk, k, k)))
        shares.append(boot / boot.sum(axis=1, keepdims=True))
    low, high = np.percentile(np.concatenate(shares), [2.5, 97.5], axis=0)
    return r2, weights / r2, low, high


def outcome_index(scores: pl.DataFrame, items: list[str]) -> pl.Series:
    """The outcome per respondent: the mean 0–100 score of its items, when at least half are answered."""
    present = [c for c in items if c in scores.columns]
    if not present:
        return pl.Series("outcome", [None] * scores.height, dtype=pl.Float64)
    answered = pl.sum_horizontal([pl.col(c).is_not_null() for c in present])
    return scores.select(pl.when(2 * answered >= len(present))
                         .then(pl.mean_horizontal(present)).alias("outcome"))["outcome"]


def drivers(survey: str, wave: str, outcomes: dict[str, list[str]], scores: pl.DataFrame, respondent: pl.DataFrame,
            unit_ids: pl.Series, units: pl.DataFrame, competencies: list[str], scale: int) -> pl.DataFrame:
    """One wave's published driver rows. scores: 0–100 item scores; respondent: the wide
    competency scores (transform.respondent_scores, scaled by `scale`); units: the organisation
    on the wave's date (unit_id, parent_id, leader_role)."""
    parent = dict(zip(units["unit_id"].to_list(), units["parent_id"].to_list()))
    role_of = dict(zip(units["unit_id"].to_list(), units["leader_role"].to_list()))

    def areas(unit: str | None) -> list[str]:
        out, seen = [], set()
        while unit is not None and unit not in seen:
            seen.add(unit)
            if role_of.get(unit) in AREA_ROLES:
                out.append(unit)
            unit = parent.get(unit)
        return out
    area_of = {u: areas(u) for u in unit_ids.unique().to_list()}
    rows = []
    for outcome, items in outcomes.items():
        y_all = outcome_index(scores, items)
        for role in sorted({r for r in role_of.values() if r}):
            columns = [f"{c}|{role}|own" for c in competencies]
            if not all(c in respondent.columns for c in columns):
                continue
            frame = respondent.select(columns).with_columns(y=y_all, unit=unit_ids).filter(
                pl.col("unit").replace_strict(role_of, default=None) == role).drop_nulls()
            groups = {None: frame}          # the kommune; its top unit is not an area of its own
            for area in {a for u in frame["unit"].unique().to_list() for a in area_of.get(u, []) if parent.get(a)}:
                groups[area] = frame.filter(pl.col("unit").is_in([u for u, a in area_of.items() if area in a]))
            for area, group in groups.items():
                if group.height < MIN_GROUP:
                    continue
                x = group.select(columns).to_numpy().astype(float) / scale
                r2, share, low, high = importance(x, group["y"].to_numpy(), f"{survey}|{wave}|{outcome}|{role}|{area}")
                rows += [(survey, wave, outcome, role, area, c, group.height, r2, *map(_num, (share[i], low[i], high[i])))
                         for i, c in enumerate(competencies)]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _num(v: float) -> float | None:
    return None if np.isnan(v) else float(v)
