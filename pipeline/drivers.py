"""Drivkræfter: which of the six competencies go with an outcome (e.g. job satisfaction), per
role level — relative importance from respondent-level data (docs/metode.md, "Drivkræfter").

For the respondents whose own unit is led at role level R: the outcome is the mean of the
outcome items' 0–100 scores (at least half answered), the predictors the respondent's six
competency scores for R (part `own`). Johnson's relative weights split the model's R² into
one share per competency (they add up to R²; correlated predictors share fairly). A Poisson
bootstrap (each respondent counted Poisson(1) times per resample, seeded, so a rebuild gives the
same numbers) gives each share a 95 % interval. Only groups of at least MIN_GROUP respondents with every score are
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


def moments(data: np.ndarray) -> np.ndarray:
    """Per respondent: the values and their pairwise products (n x (k + k*k)), so that any
    (weighted) group's correlation matrix is one sum away."""
    n, k = data.shape
    return np.column_stack([data, (data[:, :, None] * data[:, None, :]).reshape(n, k * k)])


def _shares(sums: np.ndarray, total: np.ndarray, k: int) -> np.ndarray:
    """Relative weights from summed moments: sums (…, k + k*k), total (…) the summed weights."""
    mean = sums / total[..., None]
    return relative_weights(_corr(mean[..., :k], mean[..., k:].reshape(*mean.shape[:-1], k, k)))


def importance(x: np.ndarray, y: np.ndarray, seed: str,
               weights: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(R², share of R² per predictor, 2.5 % and 97.5 % bootstrap bounds of each share).
    The bootstrap is Poisson's: each respondent counts Poisson(1) times in each resample, drawn
    once (`weights`, RESAMPLES x n) and shared by every group of the same respondents, so a
    resample costs one matrix product over the group, never a copy of the data."""
    data = np.column_stack([x, y])
    n, k = data.shape
    if np.any(data.std(axis=0) == 0):
        nan = np.full(x.shape[1], np.nan)
        return float("nan"), nan, nan, nan
    m = moments(data)
    point = _shares(m.sum(axis=0), np.array(float(n)), k)
    r2 = float(point.sum())
    if weights is None:
        weights = poisson_weights(seed, n)
    boot = _shares(weights @ m, weights.sum(axis=1), k)
    boot = boot / boot.sum(axis=1, keepdims=True)
    low, high = np.percentile(boot, [2.5, 97.5], axis=0)
    return r2, point / r2, low, high


def poisson_weights(seed: str, n: int) -> np.ndarray:
    """RESAMPLES x n Poisson(1) counts from a generator seeded by `seed` (a rebuild draws the same)."""
    rng = np.random.default_rng(int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big"))
    return rng.poisson(1.0, (RESAMPLES, n)).astype(np.float64)


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
            if frame.height < MIN_GROUP:
                continue
            x = frame.select(columns).to_numpy().astype(float) / scale
            codes = {u: i for i, u in enumerate(frame["unit"].unique().to_list())}   # integers: fast membership
            y, unit = frame["y"].to_numpy(), frame["unit"].replace_strict(codes, return_dtype=pl.Int64).to_numpy()
            weights = poisson_weights(f"{survey}|{wave}|{outcome}|{role}", frame.height)   # one draw for every group
            members: dict[str | None, list[int]] = {None: []}    # the kommune; its top unit is no area of its own
            for u, code in codes.items():
                for area in area_of.get(u, []):
                    if parent.get(area):
                        members.setdefault(area, []).append(code)
            for area, group_units in members.items():
                pick = np.ones(len(y), dtype=bool) if area is None else np.isin(unit, group_units)
                if pick.sum() < MIN_GROUP:
                    continue
                r2, share, low, high = importance(x[pick], y[pick], "", weights[:, pick])
                rows += [(survey, wave, outcome, role, area, c, int(pick.sum()), r2,
                          *map(_num, (share[i], low[i], high[i]))) for i, c in enumerate(competencies)]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _num(v: float) -> float | None:
    return None if np.isnan(v) else float(v)
