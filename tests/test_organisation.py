"""The organisation file: errors name row and column; history is kept as versions."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.organisation import read_headcount, read_organisation

ROLES = ["Leder af medarbejder", "Leder af leder", "Chef", "Direktør"]
HEADER = "unit_id,unit_name,parent_id,level,leader_role,valid_from,valid_to\n"
GOOD = HEADER + ("K,Kommunen,,kommune,Direktør,2020-01-01,\n"
                 "C,Centret,K,center,Chef,2020-01-01,2022-12-31\n"
                 "C,Centret for alt,K,center,Chef,2023-01-01,\n"
                 "A,Enhed A,C,enhed,Leder af medarbejder,2020-01-01,\n")


def _read(tmp_path: Path, text: str):
    path = tmp_path / "organisation.csv"
    path.write_text(text, encoding="utf-8")
    return read_organisation(path, ROLES)


def test_versions_are_kept(tmp_path: Path) -> None:
    units = _read(tmp_path, GOOD)
    assert units.filter(units["unit_id"] == "C")["unit_name"].to_list() == ["Centret", "Centret for alt"]


@pytest.mark.parametrize("extra, words", [
    ("B,Enhed B,X,enhed,Leder af medarbejder,2020-01-01,\n", "række 6, kolonne parent_id: overordnet enhed 'X' findes ikke"),
    ("B,Enhed B,C,team,Leder af medarbejder,2020-01-01,\n", "række 6, kolonne level: ukendt niveau"),
    ("B,Enhed B,C,enhed,Teamleder,2020-01-01,\n", "række 6, kolonne leader_role: ukendt rolleniveau"),
    ("B,Enhed B,C,enhed,Chef,1.1.2020,\n", "række 6, kolonne valid_from: '1.1.2020' er ikke en dato"),
    ("A,Enhed A2,C,enhed,Chef,2021-01-01,\n", "kolonne valid_from: enhed A har to versioner, der gælder samtidig"),
    ("K2,Anden kommune,,kommune,Direktør,2020-01-01,\n", "præcis én øverste enhed"),
])
def test_errors_name_row_and_column(tmp_path: Path, extra: str, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        _read(tmp_path, GOOD + extra)
    assert words in str(err.value) and "organisation.csv" in str(err.value)


@pytest.mark.parametrize("line, words", [
    ("X,2024-01-01,5", "række 2, kolonne unit_id: 'X': enheden findes ikke"),
    ("A,01-01-2024,5", "række 2, kolonne date: '01-01-2024' er ikke en dato"),
    ("A,2024-01-01,fem", "række 2, kolonne headcount: 'fem' er ikke et antal"),
    ("A,2024-01-01,-1", "række 2, kolonne headcount: '-1' er ikke et antal"),
])
def test_headcount_errors_name_row_and_column(tmp_path: Path, line: str, words: str) -> None:
    units = _read(tmp_path, GOOD)
    path = tmp_path / "headcount.csv"
    path.write_text("unit_id,date,headcount\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_headcount(path, units)
    assert words in str(err.value) and "headcount.csv" in str(err.value)


def test_without_a_headcount_file_there_are_no_rates(tmp_path: Path) -> None:
    assert read_headcount(tmp_path / "headcount.csv", _read(tmp_path, GOOD)).is_empty()
