"""Breakdowns by a background variable (pipeline/breakdowns.py) against an oracle that knows
nothing of graphs or cuts: it lists every set of atoms, and calls a set derivable when its
indicator is a linear combination of the published sets (the regions and the shown cells)."""
from __future__ import annotations

import itertools
import shutil

import duckdb
import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from conftest import tree_below
from dash_client import call, login
from dashboard.app import create_app
from dashboard.web import WebSettings
from pipeline.breakdowns import cells, edges, find_leak, group_node, settle
from pipeline.disclosure import check_breakdowns
from pipeline.warehouse import private_path

MINIMUM = 5


def lightest_derivable_small(atoms, parent_area, shown, minimum=MINIMUM, only=None):
    """The smallest respondent count of a non-empty derivable set of atoms below `minimum`, or None.
    atoms: (region, innermost area or None, group) -> n; only: consider this set of atoms alone."""
    keys = [k for k, n in atoms.items() if n > 0]

    def within(at, area):                     # is an atom of innermost area `at` inside `area`?
        while at is not None:
            if at == area:
                return True
            at = parent_area.get(at)
        return False

    published = [[r == region for r, _, _ in keys] for region in {r for r, _, _ in keys}]
    published += [[g == group and within(a, area) for _, a, g in keys] for area, group in shown]
    m = np.array(published, dtype=float).T                       # atoms x published sets
    left = null_space(m.T) if m.size else np.eye(len(keys))      # x is a combination iff x @ left == 0
    weights = np.array([atoms[k] for k in keys])
    subsets = (np.array([[k in only for k in keys]], dtype=float) if only is not None
               else np.array(list(itertools.product([0, 1], repeat=len(keys)))[1:], dtype=float))
    derivable = np.abs(subsets @ left).max(axis=1, initial=0) < 1e-9
    small = subsets @ weights
    found = small[derivable & (small < minimum)]
    return int(found.min()) if found.size else None


@st.composite
def instances(draw):
    n_areas = draw(st.integers(0, 3))
    parent_area = {a: draw(st.sampled_from([None, *range(a)])) for a in range(n_areas)}
    n_regions, groups = draw(st.integers(1, 5)), draw(st.sampled_from([["a", "b"], ["a", "b", "c"]]))
    atoms = {}
    for r in range(n_regions):
        areas = [draw(st.sampled_from([None, *range(n_areas)]))]       # most regions lie in one area,
        if draw(st.integers(0, 3)) == 0:                                 # some reach beyond it
            areas.append(draw(st.sampled_from([None, *range(n_areas)])))
        counts = {(r, draw(st.sampled_from(areas)), g): draw(st.sampled_from([0, 1, 2, 3, 4, 6, 9])) for g in groups}
        if sum(counts.values()) < MINIMUM:                              # regions are 0 or at least the minimum
            counts[draw(st.sampled_from(sorted(counts, key=str)))] += MINIMUM
        atoms.update({k: n for k, n in counts.items() if n})
        if len(atoms) > 13:                                              # the oracle lists 2^atoms sets
            atoms = {k: n for k, n in atoms.items() if k[0] != r}
            break
    return atoms, parent_area


@settings(max_examples=200, deadline=None)
@given(instances())
def test_a_leak_is_found_exactly_when_a_small_group_can_be_derived(instance) -> None:
    atoms, parent_area = instance
    shown = set(cells(atoms, parent_area))                       # every cell shown, small ones too
    graph = edges(atoms, shown, parent_area)
    leak = find_leak(graph, MINIMUM)
    assert (leak is None) == (lightest_derivable_small(atoms, parent_area, shown) is None)
    if leak is not None:                                         # and what it finds is such a group
        found = {a for a in atoms if (a[0], group_node(a[1], a[2], shown, parent_area)) in leak[1]}
        assert found and lightest_derivable_small(atoms, parent_area, shown, only=found) is not None


@settings(max_examples=200, deadline=None)
@given(instances())
def test_after_settling_no_small_group_can_be_derived(instance) -> None:
    atoms, parent_area = instance
    primary, secondary = settle(atoms, parent_area, MINIMUM)
    assert primary == {c for c, n in cells(atoms, parent_area).items() if n < MINIMUM}
    assert lightest_derivable_small(atoms, parent_area, set(cells(atoms, parent_area)) - primary - secondary) is None


def test_a_job_group_that_lives_in_one_unit_reveals_that_units_others() -> None:
    """Area A, two units: a school (10 lærere, 2 pædagoger, 1 HK) and a daycare (8 pædagoger).
    The HK cell (1) is hidden, yet A's total less the lærer and pædagog cells is that one person;
    and as every lærer is at the school, the school's figure less the lærer cell is its other 3.
    So both cells must go, and the rule finds it."""
    atoms = {("school", "A", "lærer"): 10, ("school", "A", "pædagog"): 2, ("school", "A", "HK"): 1,
             ("daycare", "A", "pædagog"): 8}
    parent_area, shown = {"A": None}, {("A", "lærer"), ("A", "pædagog")}
    leak = find_leak(edges(atoms, shown, parent_area), MINIMUM)     # the school's 2 pædagoger, or the HK
    assert leak is not None and leak[1] in ({("school", ("A", "pædagog"))}, {("school", ("H",))})
    assert lightest_derivable_small(atoms, parent_area, shown) == 1
    assert lightest_derivable_small(atoms, parent_area, {("A", "lærer")}) == 3
    assert settle(atoms, parent_area, MINIMUM) == ({("A", "HK")}, {("A", "lærer"), ("A", "pædagog")})


def test_groups_spread_over_the_units_are_shown_but_for_the_complement() -> None:
    """lærer and pædagog are spread over the units; only the complement (A less both = the 2
    HK) must be covered, by hiding the smaller of the two."""
    atoms = {("school 1", "A", "lærer"): 10, ("school 1", "A", "pædagog"): 5, ("school 2", "A", "lærer"): 8,
             ("school 2", "A", "pædagog"): 6, ("daycare", "A", "pædagog"): 8, ("daycare", "A", "HK"): 2}
    assert settle(atoms, {"A": None}, MINIMUM) == ({("A", "HK")}, {("A", "lærer")})
    assert lightest_derivable_small(atoms, {"A": None}, {("A", "lærer"), ("A", "pædagog")}) == 2
    assert lightest_derivable_small(atoms, {"A": None}, {("A", "pædagog")}) is None


def test_every_published_cell_is_its_groups_mean_computed_from_the_answers(demo_site) -> None:
    """Each shown cell of a survey wave, recomputed from respondent-level answers in the private
    warehouse (not from the sums the build adds up): the group's respondents in the area's
    subtree, each scored on the cell's measure (weighted mean of answered items, at least half)."""
    settings, _ = demo_site
    con = duckdb.connect(str(private_path(settings.warehouse)), read_only=True)
    survey, wave = con.execute("select survey, max(wave) from mart_breakdown_scores where survey = 'apv' group by 1").fetchall()[0]
    cells = con.sql("""select m.unit_id, m.grp, m.score, m.n, d.family from mart_breakdown_scores as m
                       join disclosure as d on d.figure = 'breakdown_score' and d.survey = m.survey and d.wave = m.wave
                        and d.unit_id = m.unit_id and d.key = m.competency || '|' || m.grp
                       where m.survey = ? and m.wave = ? and not m.suppressed""", params=[survey, wave]).pl()
    answers = con.sql("""select r.respondent_key, r.unit_id, coalesce(r.age_group, 'Ikke oplyst') as grp, s.item_code, s.score
                         from fct_respondents as r join fct_responses as s using (survey, wave, respondent_key)
                         where r.survey = ? and r.wave = ?""", params=[survey, wave]).pl()
    tree = con.sql("select unit_id, ancestor_id from dim_unit_tree where survey = ? and wave = ?", params=[survey, wave]).pl()
    con.close()
    assert cells.height >= 10
    for area, grp, score, n, family in cells.iter_rows():
        weights = {term.split("*")[0]: float(term.split("*")[1]) for term in family.split(" + ")}
        mine = answers.join(tree.filter(pl.col("ancestor_id") == area), on="unit_id").filter(
            pl.col("grp") == grp, pl.col("item_code").is_in(list(weights)))
        per = (mine.with_columns(w=pl.col("item_code").replace_strict(weights, return_dtype=pl.Float64))
               .group_by("respondent_key")
               .agg(answered=pl.col("score").is_not_null().sum(),
                    value=(pl.col("score") * pl.col("w")).sum() / pl.col("w").filter(pl.col("score").is_not_null()).sum())
               .filter(2 * pl.col("answered") >= len(weights), pl.col("answered") > 0))
        assert (n, round(score, 6)) == (per.height, round(per["value"].mean(), 6)), (area, grp)


def test_the_audit_finds_hidden_cells_shown_again(demo_site, tmp_path) -> None:
    settings, _ = demo_site
    copy = tmp_path / "private.duckdb"
    shutil.copy(private_path(settings.warehouse), copy)
    con = duckdb.connect(str(copy))
    survey, wave, minimum = con.execute("""
        select m.survey, m.wave, s.min_group_size from mart_breakdown_scores as m join dim_survey as s using (survey)
        where m.suppressed group by all order by count(*) desc limit 1""").fetchall()[0]
    assert check_breakdowns(con, survey, wave, minimum) == {
        "figures_checked": con.execute("select count(*) from mart_breakdown_scores where survey = ? and wave = ? "
                                       "and not suppressed", [survey, wave]).fetchall()[0][0],
        "small_groups": 0, "hidden_with_figures": 0}
    con.execute("""update mart_breakdown_scores as m set score = s.score, n = s.n
                   from int_competency_scores as s
                   where s.source = 'breakdown' and s.survey = m.survey and s.wave = m.wave and s.unit_id = m.unit_id
                     and s.competency = m.competency and s.grp = m.grp and m.suppressed and m.survey = ? and m.wave = ?""",
                [survey, wave])
    assert check_breakdowns(con, survey, wave, minimum)["hidden_with_figures"] > 0   # a hidden cell with a number
    con.execute("update mart_breakdown_scores set suppressed = false where survey = ? and wave = ?", [survey, wave])
    assert check_breakdowns(con, survey, wave, minimum)["small_groups"] > 0          # every cell shown: it leaks
    con.close()


def test_med_sees_its_areas_breakdown_as_published(demo_site, tmp_path) -> None:
    """Udvikling shows the area's cells as the mart has them: a shown cell's score, a hidden one's
    wording, and for a unit without breakdowns a sentence saying where they are."""
    settings, ids = demo_site
    app = create_app(settings.warehouse, settings.root / "users.json", WebSettings(private=tmp_path / "private"))
    client = app.server.test_client()
    login(client, "med", "med-pass-123")
    area = ids["Center for Dagtilbud"]
    body = call(client, "ud-breakdown.children", {"ud-survey": "trivsel", "ud-unit": area}).get_json()
    shown = str(body["response"]["ud-breakdown"]["children"])
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    cells = con.execute("select grp, competency, score, suppressed from mart_breakdown_scores "
                        "where survey = 'trivsel' and unit_id = ? and wave = (select max(wave) from mart_breakdown_scores "
                        "where survey = 'trivsel')", [area]).fetchall()
    leader = con.execute("select unit_id from mart_units where leader_role = 'Leder af medarbejder' and is_current").fetchall()
    con.close()
    assert "Fordelt på aldersgruppe" in shown and any(not hidden for *_, hidden in cells)
    for grp, competency, score, hidden in cells:
        assert grp in shown and (hidden or f"{score:.0f}" in shown)
    below = tree_below(settings, area)
    team = next(u for (u,) in leader if u in below)
    other = call(client, "ud-breakdown.children", {"ud-survey": "trivsel", "ud-unit": team}).get_json()
    assert "vises kun for de større områder" in str(other["response"]["ud-breakdown"]["children"])
