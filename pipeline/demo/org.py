"""A demo municipality: Direktion -> forvaltninger -> centre -> afdelinger -> enheder.

Sizes scale with the number of employees, so the same code makes Thisted (about
4,000) or a national benchmark (a million). One reorganisation (two centres merge
on 2023-01-01) and one rename (2024-08-01) are recorded as new unit versions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

START = date(2018, 1, 1)
MERGER = date(2023, 1, 1)
RENAME = date(2024, 8, 1)

FORVALTNINGER = [
    ("Børn og Familie", [("Center for Dagtilbud", "Børnehus"), ("Center for Skoler", "Skole"),
                         ("Center for Familie", "Familieteam"), ("Center for PPR og Sundhedspleje", "Team")]),
    ("Sundhed og Ældre", [("Center for Ældre", "Plejecenter"), ("Center for Sundhed og Forebyggelse", "Sundhedshus"),
                          ("Center for Handicap og Psykiatri", "Bosted"), ("Center for Hjemmepleje", "Hjemmepleje")]),
    ("Teknik, Miljø og Arbejdsmarked", [("Center for Teknik", "Driftsafdeling"), ("Center for Miljø og Natur", "Team"),
                                        ("Center for Arbejdsmarked", "Jobafdeling"), ("Center for Ejendomme", "Team")]),
    ("Økonomi og Personale", [("Center for Økonomi", "Team"), ("Center for HR og Personale", "Team"),
                              ("Center for Digitalisering og IT", "Team"), ("Borgerservice", "Team")]),
]
MERGING = ("Center for Sundhed og Forebyggelse", "Center for Handicap og Psykiatri")
MERGED_NAME = "Center for Sundhed, Handicap og Psykiatri"
TOWNS = ["Thisted", "Hanstholm", "Hurup", "Snedsted", "Sjørring", "Nors", "Koldby", "Vestervig",
         "Bedsted", "Østerild", "Frøstrup", "Vildsund", "Hundborg", "Ydby", "Klitmøller", "Vorupør"]
TEAMS = {"Skole": ["Indskoling", "Mellemtrin", "Udskoling", "SFO"],
         "Plejecenter": ["Dagvagt", "Aftenvagt", "Nattevagt", "Køkken"],
         "Børnehus": ["Vuggestue", "Børnehave"],
         "Hjemmepleje": ["Dag", "Aften", "Nat", "Sygepleje"]}
GENERIC_TEAMS = ["Team Nord", "Team Syd", "Team Vest", "Team Øst", "Team Midt"]
JOB_GROUPS = {"Børn og Familie": ["Pædagog", "Lærer", "Pædagogmedhjælper", "Socialrådgiver"],
              "Sundhed og Ældre": ["Social- og sundhedsassistent", "Social- og sundhedshjælper", "Sygeplejerske", "Terapeut"],
              "Teknik, Miljø og Arbejdsmarked": ["Teknisk medarbejder", "Jobkonsulent", "Administrativ"],
              "Økonomi og Personale": ["Administrativ", "Akademiker", "IT-medarbejder"]}


@dataclass
class DemoOrg:
    units: pl.DataFrame        # organisation.csv rows (versions)
    lineage: pl.DataFrame      # lineage.csv rows: the merged centre and its two predecessors
    staff: dict[str, int]      # direct members per unit id (own staff + leaders of child units)
    forvaltning: dict[str, str]  # unit id -> forvaltning name (for job groups and effects)


def build_org(employees: int, rng: np.random.Generator) -> DemoOrg:
    n_enheder = max(24, round(employees / 15.5))
    n_centres = max(16, round(n_enheder / 16))
    rows: list[dict] = []
    staff: dict[str, int] = {}
    forv_of: dict[str, str] = {}
    counter = iter(range(20000, 10**8))

    def add(name: str, parent: str | None, level: str, role: str, uid: str | None = None, **dates) -> str:
        uid = uid or str(next(counter))
        rows.append({"unit_id": uid, "unit_name": name, "parent_id": parent, "level": level, "leader_role": role,
                     "valid_from": dates.get("valid_from", START), "valid_to": dates.get("valid_to")})
        return uid

    top = add("Thisted Kommune", None, "kommune", "Direktør", uid="10000")
    staff[top] = 0
    centres_per_forv = -(-n_centres // len(FORVALTNINGER))
    enhed_per_centre = n_enheder / (centres_per_forv * len(FORVALTNINGER))
    merge_ids: dict[str, str] = {}
    for fi, (fname, centres) in enumerate(FORVALTNINGER):
        fid = add(fname, top, "forvaltning", "Direktør", uid=str(11000 + fi))
        forv_of[fid] = fname
        staff[top] += 1                           # the direktør sits in the Direktion
        staff[fid] = int(rng.integers(2, 9))      # sekretariat
        for ci in range(centres_per_forv):
            cname, kind = centres[ci % len(centres)]
            cname = cname if ci < len(centres) else f"{cname} {ci // len(centres) + 1}"
            ending = {"valid_to": date(MERGER.year - 1, 12, 31)} if cname in MERGING else {}
            cid = add(cname, fid, "center", "Chef", **ending)
            if cname in MERGING:
                merge_ids[cname] = cid
            forv_of[cid] = fname
            staff[fid] += 1
            staff[cid] = int(rng.integers(1, 6))
            n_enh = max(2, int(rng.poisson(enhed_per_centre)))
            while n_enh > 0:
                town = TOWNS[int(rng.integers(len(TOWNS)))]
                take = min(n_enh, int(rng.choice([0, 2, 3, 4, 5], p=[0.15, 0.3, 0.3, 0.15, 0.1])))
                role = "Leder af leder" if take else "Leder af medarbejder"
                aid = add(f"{kind} {town}", cid, "afdeling", role)
                forv_of[aid] = fname
                staff[cid] += 1
                staff[aid] = int(rng.integers(0, 3)) if take else int(rng.integers(6, 30))
                teams = TEAMS.get(kind, GENERIC_TEAMS)
                for ti in range(take):
                    eid = add(f"{kind} {town}, {teams[ti % len(teams)]}", aid, "enhed", "Leder af medarbejder")
                    forv_of[eid] = fname
                    staff[aid] += 1
                    staff[eid] = max(2, int(rng.lognormal(2.45, 0.55)))
                n_enh -= max(take, 1)
    units = pl.DataFrame(rows, schema={"unit_id": pl.String, "unit_name": pl.String, "parent_id": pl.String,
                                       "level": pl.String, "leader_role": pl.String,
                                       "valid_from": pl.Date, "valid_to": pl.Date})
    units = _reorganise(units, merge_ids, staff, forv_of)
    merged = units.filter(pl.col("unit_name") == MERGED_NAME)["unit_id"][0]
    lineage = pl.DataFrame({"unit_id": [merged] * len(merge_ids), "predecessor_id": list(merge_ids.values()),
                            "change": ["merged"] * len(merge_ids), "date": [MERGER] * len(merge_ids)})
    return DemoOrg(units=_scale(units, staff, employees), lineage=lineage, staff=staff, forvaltning=forv_of)


def _reorganise(units: pl.DataFrame, merge_ids: dict[str, str], staff: dict[str, int], forv_of: dict[str, str]) -> pl.DataFrame:
    """The merger of two centres and, later, the rename of one afdeling: new versions, old ones ended."""
    old = list(merge_ids.values())
    parent = units.filter(pl.col("unit_id") == old[0])["parent_id"][0]
    new_id = str(int(units["unit_id"].cast(pl.Int64).max()) + 1)
    new_centre = pl.DataFrame([{"unit_id": new_id, "unit_name": MERGED_NAME, "parent_id": parent, "level": "center",
                                "leader_role": "Chef", "valid_from": MERGER, "valid_to": None}], schema=units.schema)
    staff[new_id] = staff[old[0]] + staff[old[1]] - 1   # one chef fewer in the forvaltning above
    forv_of[new_id] = forv_of[old[0]]
    moved = units.filter(pl.col("parent_id").is_in(old))
    ended = units.with_columns(
        valid_to=pl.when(pl.col("parent_id").is_in(old)).then(pl.lit(date(MERGER.year - 1, 12, 31)))
        .otherwise(pl.col("valid_to")))
    moved = moved.with_columns(parent_id=pl.lit(new_id), valid_from=pl.lit(MERGER))
    units = pl.concat([ended, new_centre, moved])
    # Rename: the first current afdeling under the merged centre gets a new name.
    target = moved.row(0, named=True)
    renamed = dict(target, unit_name=target["unit_name"] + " (Thy)", valid_from=RENAME)
    units = units.with_columns(
        valid_to=pl.when((pl.col("unit_id") == target["unit_id"]) & (pl.col("valid_from") == MERGER))
        .then(pl.lit(RENAME - timedelta(days=1)))
        .otherwise(pl.col("valid_to")))
    return pl.concat([units, pl.DataFrame([renamed], schema=units.schema)]).sort("unit_id", "valid_from")


def _scale(units: pl.DataFrame, staff: dict[str, int], employees: int) -> pl.DataFrame:
    """Scale the own staff of leaf-like units so the total is close to the requested size."""
    total = sum(staff.values())
    factor = employees / total if total else 1.0
    if abs(factor - 1) > 0.02:
        for uid, n in staff.items():
            if n >= 6:
                staff[uid] = max(2, round(n * factor))
    return units
