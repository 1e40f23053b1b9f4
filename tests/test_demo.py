"""Demo data: deterministic for a seed, mixed formats, realistic structure."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from conftest import settings_for
from pipeline.flow import demo_data
from pipeline.manifest import digest_file
from pipeline.organisation import read_organisation
from pipeline.read import read_export


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("demo")
    return demo_data(settings_for(tmp), tmp / "raw", employees=600, seed=11)


def _digests(paths: list[Path]) -> dict[str, str]:
    return {p.name: digest_file(p) for p in paths}   # a SurveyXact folder: over its files


def test_same_seed_same_bytes_other_seed_other_bytes(files: list[Path], tmp_path: Path) -> None:
    again = demo_data(settings_for(tmp_path), tmp_path / "a", employees=600, seed=11)
    other = demo_data(settings_for(tmp_path), tmp_path / "b", employees=600, seed=12)
    assert _digests(again) == _digests(files)
    assert _digests(other) != _digests(files)


def test_the_waves_and_formats_vendors_deliver(files: list[Path]) -> None:
    exports = [read_export(p) for p in files if p.name not in ("organisation.csv", "headcount.csv", "lineage.csv")]
    assert len(exports) == 8 + 3 + 3
    headcount = pl.read_csv(next(p for p in files if p.name == "headcount.csv"))
    assert headcount.height > 0 and headcount["headcount"].min() >= 0
    lineage = pl.read_csv(next(p for p in files if p.name == "lineage.csv"), infer_schema=False)
    assert lineage["change"].to_list() == ["merged", "merged"] and lineage["unit_id"].n_unique() == 1
    formats = {e.fmt for e in exports}
    assert formats == {"CSV (Windows-1252, semikolon)", "CSV (UTF-8 med BOM, komma)", "Excel (xlsx)",
                       "SurveyXact (mappe)", "SurveyXact (zip)", "SurveyXact (xlsx)", "SPSS (.sav)"}
    folders = [p for p in files if p.is_dir()]
    dialects = {(b";" in (p / "Dataset.csv").read_bytes()[:200], (p / "Dataset.csv").read_bytes()[:2]) for p in folders}
    assert dialects == {(True, b"re"), (False, b"\xff\xfe")}       # semicolon Windows-1252, tab UTF-16
    assert any(e.texts and e.labels and not any(c.startswith(("TRI", "APV", "LED")) for c in e.frame.columns)
               for e in exports)                                   # items by vendor names and texts only
    years = sorted(int(p.name.split()[1].split(".")[0]) for p in files if p.name.startswith("Trivselsmåling"))
    assert years == list(range(2019, 2027))


def test_structure_reorganisation_and_response_rates(files: list[Path]) -> None:
    units = read_organisation(files[0], ["Leder af medarbejder", "Leder af leder", "Chef", "Direktør"])
    assert set(units["level"]) == {"kommune", "forvaltning", "center", "afdeling", "enhed"}
    ended = units.filter(pl.col("valid_to").is_not_null())
    assert ended.filter(pl.col("level") == "center").height == 2        # the two merged centres
    assert units.group_by("unit_id").len().filter(pl.col("len") > 2).height >= 1   # moved, then renamed
    trivsel = read_export(next(p for p in files if p.name.startswith("Trivselsmåling 2024"))).frame
    assert 0.70 * 600 * 0.9 < trivsel.height < 0.90 * 600 * 1.1
    per_unit = trivsel.group_by("enhed").len()["len"]
    assert (per_unit < 5).sum() > 0            # some units fall below the anonymity minimum
    answers = trivsel.select(pl.col("TRI01"))
    assert answers.filter(pl.col("TRI01") == "9").height > 0        # "Ved ikke"
    assert answers.filter(pl.col("TRI01").is_null()).height > 0     # skipped
