"""mappings/framework.yaml must say exactly what the seed says (labelled half), bar the
recorded repairs, and record every wording in which the unlabelled half differs."""
from __future__ import annotations

import yaml

from pipeline.config import ROOT
from pipeline.framework import load_framework
from seed import COMPETENCIES, ROLES, parse_seed

FRAMEWORK = ROOT / "mappings" / "framework.yaml"


def _doc() -> dict:
    return yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))


def _repair(text: str, corrections: list[dict]) -> str:
    for c in corrections:
        text = text.replace(c["seed"], c["fixed"])
    return text


def test_behaviours_equal_the_labelled_half_of_the_seed() -> None:
    doc = _doc()
    labelled, _, _ = parse_seed()
    for competency in COMPETENCIES:
        for role in ROLES:
            expected = [_repair(t, doc["corrections"]) for t in labelled[(competency, role)]]
            assert doc["behaviours"][competency][role] == expected, (competency, role)


def test_there_are_88_behaviours_in_six_competencies_and_four_roles() -> None:
    fw = load_framework(FRAMEWORK)
    assert fw.behaviours.height == 88
    assert fw.competencies == COMPETENCIES and fw.roles == ROLES
    per_role = dict(fw.behaviours.group_by("role").len().iter_rows())
    assert per_role == {"Leder af medarbejder": 24, "Leder af leder": 22, "Chef": 21, "Direktør": 21}


def test_first_half_differences_are_recorded_exactly() -> None:
    doc = _doc()
    labelled, first, _ = parse_seed()
    found = [
        {"competency": c, "role": r, "position": i, "labelled": a, "first_half": b}
        for c in COMPETENCIES for r in ROLES
        for i, (a, b) in enumerate(zip(
            (_repair(t, doc["corrections"]) for t in labelled[(c, r)]),
            (_repair(t, doc["corrections"]) for t in first[(c, r)]), strict=True), start=1)
        if a != b
    ]
    assert doc["first_half_differences"] == found
    assert len(found) == 3   # borgere/borgeres, og/som, ", og afstemmer"/". Afstemmer"


def test_no_extraction_artefacts_remain() -> None:
    fw = load_framework(FRAMEWORK)
    for text in fw.behaviours["behaviour"].to_list() + fw.general_expectations:
        assert "\ufffd" not in text and "  " not in text and text == text.strip()
        assert not any(c["seed"] in text for c in _doc()["corrections"])


def test_six_general_expectations() -> None:
    _, _, general = parse_seed()
    fw = load_framework(FRAMEWORK)
    assert fw.general_expectations == general and len(general) == 6
