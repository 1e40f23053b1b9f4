"""Survey codebooks (mappings/instruments/*.yaml): items, response scales, missing codes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.errors import ConfigError
from pipeline.yamlfile import load_yaml


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    domain: str
    scale_min: int
    scale_max: int
    reversed: bool
    labels: dict[int, str]
    missing: dict[int, str]   # codes that are not answers, e.g. 9 = "Ved ikke"
    aliases: tuple[str, ...] = ()   # other wordings of the question (a vendor's, an older wave's)

    @property
    def allowed_codes(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1)) + sorted(self.missing)

    def describe_codes(self) -> str:
        missing = ", ".join(f"{c} = {label}" for c, label in sorted(self.missing.items()))
        return f"{self.scale_min}–{self.scale_max}" + (f" eller {missing}" if missing else "")


@dataclass(frozen=True)
class Instrument:
    survey: str
    name: str
    items: dict[str, Item]
    outcomes: dict[str, list[str]] = field(default_factory=dict)   # Drivkræfter: outcome name -> its items


def _load_one(path: Path) -> Instrument:
    doc = load_yaml(path)
    scales = doc.get("scales", {})
    items: dict[str, Item] = {}
    for spec in doc["items"]:
        scale = scales.get(spec.get("scale"))
        if scale is None:
            raise ConfigError(path.name, f"spørgsmål {spec.get('code')} bruger en ukendt skala '{spec.get('scale')}'", spec.line)
        if spec["code"] in items:
            raise ConfigError(path.name, f"spørgsmål {spec['code']} står to gange", spec.line)
        items[spec["code"]] = Item(
            code=spec["code"], text=spec["text"], domain=spec.get("domain", ""),
            scale_min=int(scale["min"]), scale_max=int(scale["max"]),
            reversed=bool(spec.get("reversed", False)),
            labels={int(k): v for k, v in scale.get("labels", {}).items()},
            missing={int(k): v for k, v in (scale.get("missing") or {}).items()},
            aliases=tuple(spec.get("aliases") or ()),
        )
    outcomes = {str(name): [str(c) for c in codes] for name, codes in (doc.get("outcomes") or {}).items()}
    for name, codes in outcomes.items():
        if unknown := [c for c in codes if c not in items]:
            raise ConfigError(path.name, f"udfaldet '{name}' nævner spørgsmål, der ikke findes: {', '.join(unknown)}")
    return Instrument(survey=doc["survey"], name=doc["name"], items=items, outcomes=outcomes)


def load_instruments(folder: Path) -> dict[str, Instrument]:
    instruments = [_load_one(p) for p in sorted(folder.glob("*.yaml"))]
    if not instruments:
        raise ConfigError(str(folder), "ingen kodebøger (*.yaml) i mappen")
    return {i.survey: i for i in instruments}


def items_frame(instruments: dict[str, Instrument]) -> pl.DataFrame:
    rows = [
        {"survey": s, "item_code": it.code, "text": it.text, "domain": it.domain,
         "scale_min": it.scale_min, "scale_max": it.scale_max, "reversed": it.reversed,
         "missing_codes": sorted(it.missing)}
        for s, ins in instruments.items() for it in ins.items.values()
    ]
    return pl.DataFrame(rows, schema={
        "survey": pl.String, "item_code": pl.String, "text": pl.String, "domain": pl.String,
        "scale_min": pl.Int32, "scale_max": pl.Int32, "reversed": pl.Boolean,
        "missing_codes": pl.List(pl.Int32)})
