"""The mapping HR edits: validated on load with the line named; coverage of all 24 cells."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError
from pipeline.framework import load_framework
from pipeline.instruments import load_instruments
from pipeline.mapping import coverage, load_mapping

S = load_settings()
FW = load_framework(S.framework)
INS = load_instruments(S.instruments)


def _load(tmp_path: Path, text: str):
    path = tmp_path / "item_to_competency.yaml"
    path.write_text(text, encoding="utf-8")
    return load_mapping(path, FW, INS)


GOOD = "trivsel:\n  TRI01: [{competency: Personaleledelse, roles: alle, scope: area}]\n"


@pytest.mark.parametrize("text, line, words", [
    ("trivsel:\n  TRI01: []\n  TRX99: []\n", 3, "TRX99"),
    ("trivsel:\n  TRI01:\n    - {competency: Personaleledelse, roles: alle, scope: area}\n"
     "    - {competency: Økonomistyring, roles: alle, scope: area}\n", 4, "ukendt kompetence 'Økonomistyring'"),
    ("trivsel:\n  TRI01: [{competency: Kommunikation, roles: [Chef, Borgmester], scope: area}]\n", 2,
     "ukendt rolleniveau 'Borgmester'"),
    ("trivsel:\n\n  TRI02: [{competency: Kommunikation, roles: alle, scope: team}]\n", 3, "ukendt scope 'team'"),
    ("trivsel:\n  TRI01: [{competency: Kommunikation, roles: alle, scope: area, weight: -1}]\n", 2, "positivt tal"),
    ("trivsel:\n  TRI01: [{competency: Kommunikation, roles: alle, scope: area, vægt: 2}]\n", 2, "ukendt felt 'vægt'"),
    ("tilfredshed:\n  TRI01: []\n", 1, "ukendt måling 'tilfredshed'"),
    ("trivsel:\n  TRI01:\n    - {competency: Kommunikation, roles: alle, scope: area}\n"
     "    - {competency: Kommunikation, roles: [Chef], scope: direct}\n", 4, "mere end én gang"),
])
def test_errors_name_the_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, text)
    assert err.value.line == line
    assert words in str(err.value) and f"linje {line}" in str(err.value)


def test_alle_expands_to_the_four_roles_and_weight_defaults_to_one(tmp_path: Path) -> None:
    links = _load(tmp_path, GOOD).links
    assert sorted(links["role"].to_list()) == sorted(FW.roles)
    assert links["weight"].to_list() == [1.0] * 4 and set(links["scope"]) == {"area"}


def test_unmapped_items_are_reported_as_gaps(tmp_path: Path) -> None:
    mapping = _load(tmp_path, GOOD)
    assert ("trivsel", "TRI01") not in mapping.unmapped
    assert ("trivsel", "TRI02") in mapping.unmapped
    assert len(mapping.unmapped) == sum(len(i.items) for i in INS.values()) - 1


def test_the_real_mapping_gives_every_cell_several_items() -> None:
    cov = coverage(load_mapping(S.mapping, FW, INS), FW)
    assert cov.height == 24
    assert cov["n_items"].min() >= 3


EVIDENCE_BASE = "trivsel:\n  TRI01: [{competency: Personaleledelse, roles: [Chef], scope: area}]\n  TRI02: []\n"


@pytest.mark.parametrize("section, words", [
    ("behaviour_evidence:\n  Personaleledelse:\n    Chef: {4: [TRI01]}\n", "ingen adfærd nummer 4 (1–3)"),
    ("behaviour_evidence:\n  Personaleledelse:\n    Chef: {1: [TRI02]}\n", "TRI02 er angivet som evidens"),
    ("behaviour_evidence:\n  Personaleledelse:\n    Direktør: {1: [TRI01]}\n", "ikke koblet til Personaleledelse for Direktør"),
    ("behaviour_evidence:\n  Økonomi:\n    Chef: {1: [TRI01]}\n", "ukendt kompetence 'Økonomi'"),
])
def test_behaviour_evidence_is_checked_against_framework_and_links(tmp_path: Path, section: str, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, EVIDENCE_BASE + section)
    assert words in str(err.value) and err.value.line is not None


def test_behaviour_evidence_loads(tmp_path: Path) -> None:
    mapping = _load(tmp_path, EVIDENCE_BASE + "behaviour_evidence:\n  Personaleledelse:\n    Chef: {1: [TRI01], 2: []}\n")
    assert mapping.evidence.rows() == [("Personaleledelse", "Chef", 1, "TRI01")]
