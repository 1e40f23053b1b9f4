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
import math

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


def importance(x: np.ndarray, y: np.ndarray, seed: str) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(R², share of R² per predictor, 2.5 % and 97.5 % bootstrap bounds of each share) for one group."""
    data = np.column_stack([x, y])
    return group_importance(data, [(0, len(data))], poisson_weights(seed, len(data)))[0]


def group_importance(data: np.ndarray, groups: list[tuple[int, int]],
                     weights: np.ndarray) -> list[tuple[float, np.ndarray, np.ndarray, np.ndarray]]:
    """`importance` for each group of rows data[start:end] (predictors, then the outcome).
    The bootstrap is Poisson's: each respondent counts Poisson(1) times in each resample, drawn
    once (`weights`, RESAMPLES x n) and shared by every group of the same respondents, so the
    resamples cost one matrix product per stretch of rows, never a copy of the data; every
    group's relative weights are then found in one batched eigen-decomposition."""
    k = data.shape[1]
    m = moments(data)
    point_sums = np.stack([m[a:b].sum(axis=0) for a, b in groups])
    # areas nest: each resample's sums per stretch between any two group bounds, once, then
    # every group adds its stretches (one pass over the rows, however deep the tree)
    cuts = np.unique([x for group in groups for x in group])
    at = {int(x): i for i, x in enumerate(cuts)}
    stretches = np.stack([weights[:, a:b] @ m[a:b] for a, b in zip(cuts[:-1], cuts[1:])])
    counts = np.stack([weights[:, a:b].sum(axis=1) for a, b in zip(cuts[:-1], cuts[1:])])
    boot_sums = np.stack([stretches[at[a]:at[b]].sum(axis=0) for a, b in groups])
    sizes = np.array([float(b - a) for a, b in groups])
    resampled = np.stack([counts[at[a]:at[b]].sum(axis=0) for a, b in groups])    # each resample's size
    with np.errstate(invalid="ignore", divide="ignore"):
        point = _shares(point_sums, sizes, k)                                  # (groups, k - 1)
        boot = _shares(boot_sums, resampled, k)                               # (groups, resamples, k - 1)
        boot = boot / boot.sum(axis=-1, keepdims=True)
    out = []
    for g, (a, b) in enumerate(groups):
        if np.any(data[a:b].std(axis=0) == 0):                # a constant column: no correlation to share
            nan = np.full(k - 1, np.nan)
            out.append((float("nan"), nan, nan, nan))
            continue
        r2 = float(point[g].sum())
        low, high = np.percentile(boot[g], [2.5, 97.5], axis=0)
        out.append((r2, point[g] / r2, low, high))
    return out


# Poisson(1) by its inverse distribution function at 1/65,536 steps: six times faster to draw
# than numpy's Poisson generator, and as good for a bootstrap
_CDF = np.cumsum([np.exp(-1.0) / math.factorial(k) for k in range(20)])
_POISSON = np.searchsorted(_CDF, (np.arange(2 ** 16) + 0.5) / 2 ** 16, side="right").astype(np.float64)


def poisson_weights(seed: str, n: int) -> np.ndarray:
    """RESAMPLES x n Poisson(1) counts from a generator seeded by `seed` (a rebuild draws the same)."""
    rng = np.random.default_rng(int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big"))
    return _POISSON[rng.integers(0, 2 ** 16, (RESAMPLES, n), dtype=np.uint16)]


def preorder(units: pl.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """Each unit's position in a depth-first walk of the tree, and the position just after its
    subtree: with respondents sorted by their unit's position, every area is one slice."""
    kids: dict[str | None, list[str]] = {}
    for u, p in zip(units["unit_id"].to_list(), units["parent_id"].to_list()):
        kids.setdefault(p, []).append(u)
    known = set(units["unit_id"].to_list())
    position, end, stack = {}, {}, [(u, False) for u in reversed(
        [u for p, us in kids.items() if p is None or p not in known for u in us])]
    while stack:
        unit, done = stack.pop()
        if done:
            end[unit] = len(position)
        elif unit not in position:
            position[unit] = len(position)
            stack.append((unit, True))
            stack.extend((k, False) for k in reversed(kids.get(unit, [])))
    return position, end


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
    role_of = dict(zip(units["unit_id"].to_list(), units["leader_role"].to_list()))
    position, end = preorder(units)
    areas = [(u, position[u], end[u]) for u, p, r in units.select("unit_id", "parent_id", "leader_role").iter_rows()
             if r in AREA_ROLES and p is not None and u in position]    # the top unit is the kommune, no area of its own
    rows = []
    for outcome, items in outcomes.items():
        y_all = outcome_index(scores, items)
        for role in sorted({r for r in role_of.values() if r}):
            columns = [f"{c}|{role}|own" for c in competencies]
            if not all(c in respondent.columns for c in columns):
                continue
            frame = (respondent.select(columns).with_columns(y=y_all, unit=unit_ids)
                     .filter(pl.col("unit").replace_strict(role_of, default=None) == role).drop_nulls()
                     .with_columns(at=pl.col("unit").replace_strict(position, default=None, return_dtype=pl.Int64))
                     .sort("at", maintain_order=True))
            if frame.height < MIN_GROUP:
                continue
            data = np.column_stack([frame.select(columns).to_numpy().astype(float) / scale, frame["y"].to_numpy()])
            at = frame["at"].to_numpy()
            slices = [(None, 0, len(at))] + [(a, *np.searchsorted(at, [s, e])) for a, s, e in areas]
            slices = [(a, int(s), int(e)) for a, s, e in slices if e - s >= MIN_GROUP]
            weights = poisson_weights(f"{survey}|{wave}|{outcome}|{role}", len(at))   # one draw for every group
            found = group_importance(data, [(s, e) for _, s, e in slices], weights)
            for (area, s, e), (r2, share, low, high) in zip(slices, found):
                rows += [(survey, wave, outcome, role, area, c, e - s, r2,
                          *map(_num, (share[i], low[i], high[i]))) for i, c in enumerate(competencies)]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _num(v: float) -> float | None:
    return None if np.isnan(v) else float(v)
