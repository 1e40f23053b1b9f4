"""Question texts and answer labels matched to the codebooks, by normalised text.

Normalised: Unicode-composed, case-folded, quote marks dropped, other punctuation as space,
white space collapsed — so "Jeg ved, hvad der forventes af mig." and “jeg ved hvad der
forventes af mig” are the same question. A SurveyXact grid row carries its grid's stem first
("stem - row text"); the row text is matched. HR adds a vendor's wording to an item's
`aliases` in the codebook.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

from pipeline.instruments import Instrument

QUOTES = re.compile(r"[\"'«»“”„‘’`´]")
PUNCTUATION = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    text = QUOTES.sub("", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(PUNCTUATION.sub(" ", text).split())


def candidates(text: str) -> list[str]:
    """The text, and a grid row's own text after the stem ("stem - row text")."""
    out = [text]
    for sep in (" - ", " – ", ": "):
        if sep in text:
            out.append(text.rsplit(sep, 1)[1])
    return out


class TextIndex:
    """Every codebook item's text and aliases -> (survey, item code)."""

    def __init__(self, instruments: dict[str, Instrument]) -> None:
        self.by_text: dict[str, tuple[str, str]] = {}
        self.texts: dict[str, str] = {}    # normalised -> as written, for "nearest" suggestions
        for ins in instruments.values():
            for item in ins.items.values():
                for written in (item.text, *item.aliases):
                    self.by_text.setdefault(normalise(written), (ins.survey, item.code))
                    self.texts.setdefault(normalise(written), written)

    def find(self, text: str) -> tuple[str, str] | None:
        for candidate in candidates(text):
            if hit := self.by_text.get(normalise(candidate)):
                return hit
        return None

    def nearest(self, text: str) -> str | None:
        close = difflib.get_close_matches(normalise(candidates(text)[-1]), list(self.by_text), n=1, cutoff=0.5)
        return f"{self.texts[close[0]]} ({self.by_text[close[0]][1]})" if close else None


def scale_labels(instrument: Instrument, code: str) -> dict[str, str]:
    """An item's answer labels, normalised -> the codebook's code (as text), "Ved ikke" included."""
    item = instrument.items[code]
    return {normalise(label): str(value) for value, label in {**item.labels, **item.missing}.items()}


def answer_map(labels: dict[str, str], scale: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A vendor's codes for one item (code -> label) onto the codebook's codes, by label.
    Returns (vendor code -> codebook code, vendor code -> label not on the scale)."""
    mapped, unknown = {}, {}
    for value, label in labels.items():
        if (code := scale.get(normalise(label))) is not None:
            mapped[value] = code
        else:
            unknown[value] = label
    return mapped, unknown
