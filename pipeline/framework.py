"""The leadership framework (mappings/framework.yaml) as a table of behaviours."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.yamlfile import load_yaml


@dataclass(frozen=True)
class Framework:
    competencies: list[str]
    roles: list[str]          # from the first line of leadership up to Direktør
    behaviours: pl.DataFrame  # competency, role, position, behaviour
    general_expectations: list[str]


def load_framework(path: Path) -> Framework:
    doc = load_yaml(path)
    rows = [
        {"competency": c, "role": r, "position": i, "behaviour": text}
        for c, by_role in doc["behaviours"].items()
        for r, texts in by_role.items()
        for i, text in enumerate(texts, start=1)
    ]
    schema = {"competency": pl.String, "role": pl.String, "position": pl.Int32, "behaviour": pl.String}
    return Framework(
        competencies=list(doc["competencies"]),
        roles=list(doc["roles"]),
        behaviours=pl.DataFrame(rows, schema=schema),
        general_expectations=list(doc["general_expectations"]),
    )
