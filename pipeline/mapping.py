"""The item -> competency mapping HR edits (mappings/item_to_competency.yaml).

Validated on load: an unknown survey, item, competency, role or scope stops the
build with the line; items that are in a codebook but linked to nothing are
reported as coverage gaps (not errors: HR may leave an item out on purpose).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.errors import ConfigError
from pipeline.framework import Framework
from pipeline.instruments import Instrument
from pipeline.yamlfile import LineDict, key_lines, load_yaml

SCOPES = ("direct", "area")
ALL_ROLES = "alle"
FIELDS = {"competency", "roles", "scope", "weight"}

SCHEMA = {"survey": pl.String, "item_code": pl.String, "competency": pl.String,
          "role": pl.String, "weight": pl.Float64, "scope": pl.String, "line": pl.Int32}


EVIDENCE = "behaviour_evidence"
EVIDENCE_SCHEMA = {"competency": pl.String, "role": pl.String, "position": pl.Int32, "item_code": pl.String}


@dataclass(frozen=True)
class Mapping:
    links: pl.DataFrame          # one row per (survey, item, competency, role)
    unmapped: list[tuple[str, str]]   # (survey, item_code) linked to nothing
    evidence: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=EVIDENCE_SCHEMA))
    # (competency, role, behaviour position, item) — a behaviour with no row has no evidence


def _roles(value: object, framework: Framework, where: tuple[str, int]) -> list[str]:
    if value == ALL_ROLES:
        return list(framework.roles)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ConfigError(where[0], f"'roles' skal være '{ALL_ROLES}' eller en liste af rolleniveauer", where[1])
    for role in value:
        if role not in framework.roles:
            raise ConfigError(where[0], f"ukendt rolleniveau '{role}' (kendte: {', '.join(framework.roles)})", where[1])
    return list(value)


def _link_rows(survey: str, item: str, link: object, framework: Framework, file: str, line: int) -> list[dict]:
    if not isinstance(link, LineDict):
        raise ConfigError(file, f"koblingen for {item} skal have formen {{competency: ..., roles: ..., scope: ...}}", line)
    line = link.line
    if unknown := set(link) - FIELDS:
        raise ConfigError(file, f"ukendt felt '{sorted(unknown)[0]}' i koblingen for {item} (tilladt: {', '.join(sorted(FIELDS))})", line)
    competency = link.get("competency")
    if competency not in framework.competencies:
        raise ConfigError(file, f"ukendt kompetence '{competency}' for {item} (kendte: {', '.join(framework.competencies)})", line)
    scope = link.get("scope")
    if scope not in SCOPES:
        raise ConfigError(file, f"ukendt scope '{scope}' for {item} (brug 'direct' eller 'area')", line)
    weight = link.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        raise ConfigError(file, f"vægten for {item} skal være et positivt tal, ikke '{weight}'", line)
    return [
        {"survey": survey, "item_code": item, "competency": competency, "role": role,
         "weight": float(weight), "scope": scope, "line": line}
        for role in _roles(link.get("roles"), framework, (file, line))
    ]


def load_mapping(path: Path, framework: Framework, instruments: dict[str, Instrument]) -> Mapping:
    doc = load_yaml(path) or {}
    lines = key_lines(path)
    file = path.name
    evidence_doc = doc.pop(EVIDENCE, None) or {}
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for survey, items in doc.items():
        if survey not in instruments:
            raise ConfigError(file, f"ukendt måling '{survey}' (kendte: {', '.join(instruments)})", lines.get((survey,)))
        for item, links in (items or {}).items():
            line = lines.get((survey, str(item)))
            if item not in instruments[survey].items:
                raise ConfigError(file, f"spørgsmål '{item}' findes ikke i kodebogen for {survey}", line)
            if not isinstance(links, list):
                raise ConfigError(file, f"{item} skal have en liste af koblinger (eller [] for ingen)", line)
            seen.add((survey, item))
            for link in links:
                rows.extend(_link_rows(survey, item, link, framework, file, line or 0))
    links = pl.DataFrame(rows, schema=SCHEMA)
    dupes = links.filter(pl.struct("survey", "item_code", "competency", "role").is_duplicated())
    if dupes.height:
        d = dupes.row(1, named=True)
        raise ConfigError(file, f"{d['item_code']} er koblet til {d['competency']} / {d['role']} mere end én gang", d["line"])
    unmapped = sorted(
        (s, code) for s, ins in instruments.items() for code in ins.items
        if not links.filter((pl.col("survey") == s) & (pl.col("item_code") == code)).height
    )
    return Mapping(links=links, unmapped=unmapped, evidence=_evidence(evidence_doc, links, framework, file, lines))


def _evidence(doc: dict, links: pl.DataFrame, framework: Framework, file: str,
              lines: dict[tuple[str, ...], int]) -> pl.DataFrame:
    """The behaviour_evidence section: behaviour positions that exist in the framework, each
    with items that the mapping links to the same competency and role."""
    positions = {(r["competency"], r["role"]): r["n"] for r in
                 framework.behaviours.group_by("competency", "role").agg(n=pl.len()).iter_rows(named=True)}
    linked = set(links.select("competency", "role", "item_code").iter_rows())
    rows = []
    for competency, by_role in doc.items():
        line = lines.get((EVIDENCE, competency))
        if competency not in framework.competencies:
            raise ConfigError(file, f"ukendt kompetence '{competency}' under {EVIDENCE}", line)
        for role, by_position in (by_role or {}).items():
            line = lines.get((EVIDENCE, competency, role), line)
            if role not in framework.roles:
                raise ConfigError(file, f"ukendt rolleniveau '{role}' under {EVIDENCE}", line)
            for position, items in (by_position or {}).items():
                if not isinstance(position, int) or not 1 <= position <= positions[(competency, role)]:
                    raise ConfigError(file, f"{competency} / {role} har ingen adfærd nummer {position} "
                                            f"(1–{positions[(competency, role)]})", line)
                for item in items or []:
                    if (competency, role, item) not in linked:
                        raise ConfigError(file, f"{item} er angivet som evidens for {competency} / {role} nr. {position}, "
                                                f"men er ikke koblet til {competency} for {role}", line)
                    rows.append({"competency": competency, "role": role, "position": position, "item_code": item})
    return pl.DataFrame(rows, schema=EVIDENCE_SCHEMA)


def coverage(mapping: Mapping, framework: Framework) -> pl.DataFrame:
    """Items of evidence per competency x role cell (all 24 cells, zero where none)."""
    cells = pl.DataFrame([{"competency": c, "role": r} for c in framework.competencies for r in framework.roles])
    counts = mapping.links.group_by("competency", "role").agg(
        n_items=pl.len(), surveys=pl.col("survey").unique().sort())
    return cells.join(counts, on=["competency", "role"], how="left").with_columns(pl.col("n_items").fill_null(0))
