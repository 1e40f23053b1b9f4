"""Pure transformations over data frames: column recognition, typing, waves,
pseudonyms, 0-100 item scores, respondent competency scores and their sums per unit.

Item work stays in wide form (one column per item): horizontal sums over each
competency's item columns are several times faster than unpivoting first, which
matters at national scale (about 100 million answers).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
import datetime
from datetime import timedelta

import polars as pl

from pipeline import config
from pipeline.instruments import Instrument
from pipeline.matching import TextIndex, answer_map, normalise, scale_labels

KEYS = ["respondent_id", "unit_id", "answered_at"]
BACKGROUND = list(config.BACKGROUND)
NOT_GIVEN = "Ikke oplyst"   # the breakdown group of a respondent whose export gave no value
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]


@dataclass(frozen=True)
class ColumnPlan:
    """How an export's headers map onto Sammen's columns and one survey's items."""
    survey: str | None
    renames: dict[str, str]                 # delivered header -> canonical name
    items: list[str]                        # codebook items present, in codebook order
    unknown: list[str] = field(default_factory=list)      # headers that fit nothing
    missing_keys: list[str] = field(default_factory=list)  # required columns not found
    absent_items: list[str] = field(default_factory=list)  # codebook items not in this export
    texts: dict[str, str] = field(default_factory=dict)     # unknown header -> its question text, when it has one
    nearest: dict[str, str | None] = field(default_factory=dict)   # unknown header -> nearest codebook text
    vendor_codes: dict[str, dict[str, str]] = field(default_factory=dict)  # item -> vendor code -> codebook code
    labels: dict[str, dict[str, str]] = field(default_factory=dict)        # item -> normalised label -> code
    off_scale: list[tuple[str, str, str]] = field(default_factory=list)    # (header, vendor code, label) not on the scale
    described: bool = False   # the export describes its columns (SurveyXact, SPSS): others are system variables

    def column_of(self, canonical: str) -> str:
        """The header as delivered for one of Sammen's columns."""
        return next(h for h, c in self.renames.items() if c == canonical)


def plan_columns(headers: list[str], aliases: dict[str, list[str]], instruments: dict[str, Instrument],
                 texts: dict[str, str] | None = None, labels: dict[str, dict[str, str]] | None = None) -> ColumnPlan:
    """Recognise key/background columns by alias, items by code or by question text (the
    header itself, or the text a vendor export gives the column), and the survey by its items.
    texts: header -> question text; labels: header -> vendor answer code -> label."""
    texts, labels = texts or {}, labels or {}
    norm = {h: h.strip().lower() for h in headers}
    renames: dict[str, str] = {}
    for canonical, names in aliases.items():
        match = next((h for h in headers if norm[h] in {n.lower() for n in names} and h not in renames), None)
        if match is not None:
            renames[match] = canonical
    rest = [h for h in headers if h not in renames]
    index = TextIndex(instruments)
    found: dict[str, tuple[str, str]] = {}   # header -> (survey, item code)
    for h in rest:
        code = h.strip().upper()
        hit = next(((ins.survey, code) for ins in instruments.values() if code in ins.items), None)
        found[h] = hit or index.find(texts.get(h, h)) or ("", "")
    counts = {s: sum(1 for survey, _ in found.values() if survey == s) for s in instruments}
    best = instruments[max(counts, key=counts.get)]
    items_here: dict[str, str] = {}
    for h in rest:
        survey, code = found[h]
        if survey == best.survey and code not in items_here:
            items_here[code] = h
    survey = best.survey if items_here else None
    renames.update({h: code for code, h in items_here.items()})
    unknown = [h for h in rest if h not in items_here.values()]
    vendor_codes, off_scale = {}, []
    for code, h in items_here.items():
        if h in labels:
            vendor_codes[code], off = answer_map(labels[h], scale_labels(best, code))
            off_scale += [(h, value, label) for value, label in off.items()]
    return ColumnPlan(
        survey=survey, renames=renames,
        items=[c for c in best.items if c in items_here] if survey else [],
        unknown=unknown,
        missing_keys=[k for k in KEYS if k not in renames.values()],
        absent_items=[c for c in best.items if c not in items_here] if survey else [],
        texts={h: texts.get(h, h) for h in unknown if h in texts or len(h.split()) >= 3},
        nearest={h: index.nearest(texts.get(h, h)) for h in unknown if h in texts or len(h.split()) >= 3},
        vendor_codes=vendor_codes,
        labels={code: scale_labels(best, code) for code in items_here} if survey else {},
        off_scale=off_scale,
        described=bool(texts),
    )


def parse_dates(col: str) -> pl.Expr:
    text = pl.col(col).str.strip_chars().str.slice(0, 10)
    return pl.coalesce([text.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])


def parse_numbers(col: str, translate: dict[str, str] | None = None) -> pl.Expr:
    """Answer codes as numbers; a decimal comma (Danish Excel) is accepted. translate: answers
    as delivered -> the codebook's codes (a vendor's own codes, or labels such as "I høj grad")."""
    text = pl.col(col).str.strip_chars()
    if translate:
        text = text.replace(translate)
    return text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)


def answer_translation(values: pl.Series, plan: ColumnPlan, code: str) -> dict[str, str]:
    """How one item's answers as delivered become the codebook's codes: the vendor's codes by
    their labels, and answers written as a label, matched by normalised text."""
    out = dict(plan.vendor_codes.get(code, {}))
    labels = plan.labels.get(code, {})
    for value in values.str.strip_chars().drop_nulls().unique().to_list():
        if value not in out and (hit := labels.get(normalise(value))) is not None:
            out[value] = hit
    return out


def coerce(frame: pl.DataFrame, plan: ColumnPlan) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rename and type an export. Returns (typed frame, bad cells: row, column, value).

    `row` is the 0-based data row; the report adds 2 to give the spreadsheet row.
    """
    df = frame.select(list(plan.renames)).rename(plan.renames)
    present_bg = [c for c in BACKGROUND if c in df.columns]
    plain = _plain_numbers(df, plan)
    rest = [c for c in plan.items if c not in plain.columns]
    typed = df.select(
        pl.col("respondent_id", "unit_id").str.strip_chars(),
        parse_dates("answered_at").alias("answered_at"),
        *[pl.col(c).str.strip_chars() for c in present_bg],
        *[parse_numbers(c, answer_translation(df[c], plan, c)).alias(c) for c in rest],
    ).with_columns(plain).select("respondent_id", "unit_id", "answered_at", *present_bg, *plan.items)
    checks = [(c, typed[c]) for c in ["answered_at", *rest]]   # a plain item has every answer read
    bad = [
        pl.DataFrame({"row": idx, "column": c, "value": df[c].gather(idx)},
                     schema={"row": pl.UInt32, "column": pl.String, "value": pl.String})
        for c, parsed in checks
        if len(idx := (df[c].is_not_null() & (df[c].str.strip_chars() != "") & parsed.is_null()).arg_true())
    ]
    empty = pl.DataFrame(schema={"row": pl.UInt32, "column": pl.String, "value": pl.String})
    return typed, pl.concat(bad) if bad else empty


def _plain_numbers(df: pl.DataFrame, plan: ColumnPlan) -> pl.DataFrame:
    """The items whose every answer is a plain number (no spaces, no decimal comma, no label, no
    vendor code to translate), read as `parse_numbers` would read them, in one cast: most
    exports are all plain, and trimming and replacing text costs three passes over every answer."""
    candidates = [c for c in plan.items if not plan.vendor_codes.get(c)
                  and not any(_number(label) for label in plan.labels.get(c, {}))]   # a label "5" would translate
    cast = df.select(pl.col(candidates).cast(pl.Float64, strict=False))
    return cast.select([c for c in candidates if cast[c].null_count() == df[c].null_count()])


def _number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def off_scale_as_delivered(frame: pl.DataFrame, typed: pl.DataFrame, plan: ColumnPlan,
                           instrument: Instrument) -> dict[str, dict[str, str]]:
    """For answers that are no code on their item's scale: the parsed value (as validation shows
    it) -> the text as delivered, so that a finding quotes '4,5', not '4.5'. Usually empty."""
    out = {}
    for code in plan.items:
        allowed = [float(c) for c in instrument.items[code].allowed_codes]
        odd = typed[code].is_not_null() & ~typed[code].is_in(allowed)
        if odd.any():
            pairs = pl.DataFrame({"value": typed[code].filter(odd).cast(pl.String),
                                  "delivered": frame[plan.column_of(code)].filter(odd)})
            out[code] = dict(pairs.unique("value", keep="first", maintain_order=True).iter_rows())
    return out


@dataclass(frozen=True)
class Wave:
    """Where a file's answers fall: the wave is named by the year its fieldwork closed and dated
    by its last answer, counting only answers within `fieldwork_days` of the median answer date —
    so one mistyped date (2099, 2062) can never rename or move a wave (docs/metode.md)."""
    name: str
    date: datetime.date
    start: datetime.date        # the fieldwork window: median date -/+ fieldwork_days
    end: datetime.date
    outside: pl.Series          # 0-based rows whose date lies outside the window


def wave_of(dates: pl.Series, fieldwork_days: int) -> Wave:
    known = dates.drop_nulls().sort()
    middle = known[(len(known) - 1) // 2]
    start, end = middle - timedelta(days=fieldwork_days), middle + timedelta(days=fieldwork_days)
    inside = dates.is_between(start, end)
    last = dates.filter(inside).max()
    return Wave(str(last.year), last, start, end, (dates.is_not_null() & ~inside).arg_true())


def pseudonymise(typed: pl.DataFrame, key: bytes, survey: str, wave: str) -> pl.DataFrame:
    """Replace the vendor's respondent id by a keyed hash (BLAKE2b in keyed mode, a MAC):
    stable within a wave, not reversible without the key. The key and the wave are fed once,
    each id's hash continues from that state, so ~1 µs per respondent."""
    base = hashlib.blake2b(key=key if len(key) <= 64 else hashlib.blake2b(key).digest(), digest_size=10)
    base.update(f"{survey}|{wave}|".encode())
    keys = []
    for rid in typed["respondent_id"].to_list():
        h = base.copy()
        h.update(rid.encode())
        keys.append(h.hexdigest())
    return typed.with_columns(respondent_key=pl.Series(keys, dtype=pl.String)).drop("respondent_id")


def item_scores(typed: pl.DataFrame, instrument: Instrument, items: list[str]) -> pl.DataFrame:
    """Each item on 0-100 with 100 best (docs/method.md §1); missing codes and blanks -> null."""
    exprs = []
    for code in items:
        it = instrument.items[code]
        v = pl.col(code)
        scaled = (v - it.scale_min) / (it.scale_max - it.scale_min) * 100
        scaled = 100 - scaled if it.reversed else scaled
        exprs.append(pl.when(v.is_between(it.scale_min, it.scale_max)).then(scaled).otherwise(None).alias(code))
    return typed.select(exprs)


SCORE_SCALE_SCHEMA = {"survey": pl.String, "item_code": pl.String, "value": pl.Int16, "score": pl.Float64}


def score_scale(instruments: dict[str, Instrument]) -> pl.DataFrame:
    """survey, item_code, value, score: each answer code on each item's scale and its 0-100
    score, by `item_scores` itself. The warehouse scores a stored answer by joining this, so it
    holds no second respondent-level table (codes off the scale have no row: no score)."""
    parts = [pl.DataFrame(schema=SCORE_SCALE_SCHEMA)]
    for survey, ins in instruments.items():
        for code, it in ins.items.items():
            codes = pl.DataFrame({code: range(it.scale_min, it.scale_max + 1)}, schema={code: pl.Int16})
            parts.append(pl.DataFrame({"survey": survey, "item_code": code, "value": codes[code],
                                       "score": item_scores(codes, ins, [code])[code]}, schema=SCORE_SCALE_SCHEMA))
    return pl.concat(parts)


SCALE = 10**9   # sums of scores are kept as exact integers of 1e-9 points: a rebuild gives the same bits
PARTS = {"own": ("direct", "area"), "below": ("area",)}   # docs/method.md §2: whose score uses which items
# The sums leave as long tables of many rows (at 400,000 employees some 20 M): their text keys
# are categoricals, one small code per row instead of a string each (DuckDB reads them as VARCHAR)
KEY = pl.Categorical
SUM_SCHEMA = {"unit_id": KEY, "competency": KEY, "role": KEY, "part": KEY,
              "n": pl.Int64, "sum_score": pl.Int64, "sum_squares": pl.Decimal(38, 0)}
ITEM_SUM_SCHEMA = {"unit_id": KEY, "item_code": KEY, "n": pl.Int64, "sum_score": pl.Int64}


def respondent_scores(scores: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Each respondent's competency scores (docs/method.md §2-§3), one column per
    (competency, role, part), named "competency|role|part", in scaled integers (SCALE).

    Part `own` is the score for the respondent's own unit: every mapped item of the role;
    part `below` is the score for each unit above it: the area items only. A score needs at
    least half of those items (counted, not weighted) answered: this is the one home of that
    rule. `links` holds this survey's mapping rows; items not in `scores` were not asked.
    """
    asked = links.filter(pl.col("item_code").is_in(scores.columns))
    columns = []
    for (competency, role), cell in asked.group_by("competency", "role", maintain_order=True):
        for part, scopes in PARTS.items():
            items = cell.filter(pl.col("scope").is_in(scopes))
            if items.is_empty():
                continue
            codes, weights = items["item_code"].to_list(), items["weight"].to_list()
            answered = pl.sum_horizontal([pl.col(c).is_not_null() for c in codes])
            weighted = pl.sum_horizontal([pl.col(c).fill_null(0) * w for c, w in zip(codes, weights)])
            weight = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) * w for c, w in zip(codes, weights)])
            columns.append(pl.when((2 * answered >= len(codes)) & (answered > 0))
                           .then((weighted / weight * SCALE).round().cast(pl.Int64, strict=False))   # 0/0 where masked
                           .alias(f"{competency}|{role}|{part}"))
    return scores.select(columns)


def unit_score_sums(keys: pl.DataFrame, respondent: pl.DataFrame) -> pl.DataFrame:
    """Per unit (and whatever else `keys` holds, e.g. a breakdown group) and score column of
    `respondent_scores`: the respondents with a score, the sum of their scores and of their
    squares (exact). Units above add these up the tree (models/intermediate/): never one row
    per respondent per ancestor."""
    schema = {**{c: KEY for c in keys.columns}, **{k: v for k, v in SUM_SCHEMA.items() if k != "unit_id"}}
    if not respondent.width:
        return pl.DataFrame(schema=schema)
    wide = pl.concat([keys, respondent], how="horizontal").group_by(keys.columns).agg(
        *[pl.col(c).count().alias(f"n:{c}") for c in respondent.columns],
        *[pl.col(c).sum().alias(f"s:{c}") for c in respondent.columns],
        *[(pl.col(c).cast(pl.Int128) * pl.col(c).cast(pl.Int128)).sum().cast(pl.Decimal(38, 0)).alias(f"q:{c}")
          for c in respondent.columns])   # Int128 has no Arrow type DuckDB reads; DECIMAL(38, 0) does
    parts = []
    for c in respondent.columns:
        competency, role, part = c.split("|")
        parts.append(wide.select(*keys.columns, competency=pl.lit(competency), role=pl.lit(role), part=pl.lit(part),
                                 n=pl.col(f"n:{c}").cast(pl.Int64), sum_score=f"s:{c}", sum_squares=f"q:{c}"))
    return pl.concat(parts).filter(pl.col("n") > 0).cast(schema)


def breakdown_scores(respondent: pl.DataFrame, roles: tuple[str, ...]) -> pl.DataFrame:
    """The score columns breakdowns add up: the area-item part ('below') of the breakdown roles.
    Only competencies that value own and below respondents alike are broken down
    (models/intermediate/int_breakdown_sums.sql), and for those the 'own' column is the same
    items, weights and half-of-items rule, so the 'below' column serves both."""
    return respondent.select([c for c in respondent.columns if c.endswith("|below") and c.split("|")[1] in roles])


def unit_item_sums(unit_ids: pl.Series, scores: pl.DataFrame) -> pl.DataFrame:
    """Per unit and item: the answers on the 0-100 scale and their sum (exact, SCALE)."""
    if not scores.width:
        return pl.DataFrame(schema=ITEM_SUM_SCHEMA)
    wide = scores.with_columns(unit_id=unit_ids).group_by("unit_id").agg(
        *[pl.col(c).count().alias(f"n:{c}") for c in scores.columns],
        *[(pl.col(c) * SCALE).round().cast(pl.Int64).sum().alias(f"s:{c}") for c in scores.columns])
    parts = [wide.select("unit_id", item_code=pl.lit(c), n=pl.col(f"n:{c}").cast(pl.Int64), sum_score=f"s:{c}")
             for c in scores.columns]
    return pl.concat(parts).filter(pl.col("n") > 0).cast(ITEM_SUM_SCHEMA)


ALPHA_SCHEMA = {"survey": pl.String, "wave": pl.String, "competency": pl.String, "role": pl.String,
                "n_items": pl.Int32, "n_respondents": pl.Int64, "alpha": pl.Float64}


def cronbach_alpha(scores: pl.DataFrame, links: pl.DataFrame, survey: str, wave: str) -> pl.DataFrame:
    """Internal consistency of each competency x role cell's items in one wave:
    alpha = k/(k-1) * (1 - sum of item variances / variance of the sum), over respondents
    who answered every item of the cell (0-100 scores, reversed items turned). Cells with
    fewer than two items asked have no alpha."""
    rows = []
    asked = links.filter(pl.col("item_code").is_in(scores.columns))
    for (competency, role), cell in asked.group_by("competency", "role", maintain_order=True):
        codes = cell["item_code"].unique(maintain_order=True).to_list()
        complete = scores.select(codes).drop_nulls()
        k, n = len(codes), complete.height
        alpha = None
        if k >= 2 and n >= 2:
            item_var = sum(complete[c].var() for c in codes)
            total_var = complete.select(pl.sum_horizontal(codes)).to_series().var()
            alpha = k / (k - 1) * (1 - item_var / total_var) if total_var else None
        rows.append({"survey": survey, "wave": wave, "competency": competency, "role": role,
                     "n_items": k, "n_respondents": n, "alpha": alpha})
    return pl.DataFrame(rows, schema=ALPHA_SCHEMA)
