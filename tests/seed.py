"""Parse the framework seed (a PDF text extraction) into behaviours.

The seed holds the framework twice: a first half that never names the role of a
block (blocks come in the order Leder af medarbejder, Leder af leder, Chef,
Direktør) and a second, labelled half. Both are parsed the same way; the
labelled half is the authority.
"""
from __future__ import annotations

import re
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "docs" / "source" / "ledelsesgrundlag-thisted.txt"

COMPETENCIES = [
    "Personaleledelse", "Strategisk ledelse", "Kommunikation",
    "Faglig ledelse", "Helhedsorienteret ledelse", "Serviceorienteret ledelse",
]
ROLES = ["Leder af medarbejder", "Leder af leder", "Chef", "Direktør"]
NOISE = ("Roller Kompetencer", "sammenhængskraft", "Strategisk ledelse Kommunikation")

Behaviours = dict[tuple[str, str], list[str]]


def clean(text: str) -> str:
    """Undo generic extraction artefacts: replacement characters, line-break
    hyphens inside a lower-case word, and runs of white space."""
    text = text.replace("\ufffd", "")
    text = re.sub(r"(?<=[a-zæøå])-\n(?=[a-zæøå])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _parse(lines: list[str], role_order: list[str] | None) -> Behaviours:
    out: Behaviours = {}
    competency = role = None
    bullet: list[str] | None = None
    block = -1

    def flush() -> None:
        nonlocal bullet
        if bullet is not None:
            out.setdefault((competency, role), []).append(clean("\n".join(bullet)))
        bullet = None

    for raw in lines:
        line = raw.strip()
        if line in COMPETENCIES:
            flush()
            competency = line
            if role_order is not None and line == "Personaleledelse":
                block += 1
                role = role_order[block]
        elif line in ROLES:
            flush()
            role = line
        elif line.startswith(NOISE):
            flush()
        elif line.startswith("•"):
            flush()
            bullet = [line.lstrip("•").strip()]
        elif bullet is not None and line:
            bullet.append(line)
    flush()
    return out


def parse_seed(path: Path = SEED) -> tuple[Behaviours, Behaviours, list[str]]:
    """Return (labelled half, first half, general expectations)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first_role_label = next(i for i, l in enumerate(lines) if l.strip() in ROLES)
    split = max(i for i in range(first_role_label) if lines[i].strip() in COMPETENCIES)
    start = next(i for i, l in enumerate(lines) if l.strip() == "Personaleledelse")
    general = [clean(l.strip().lstrip("·").strip()) for l in lines[:start] if l.strip().startswith("·")]
    return _parse(lines[split:], None), _parse(lines[start:split], ROLES), general
