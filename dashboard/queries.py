"""Every SQL query the dashboard runs, in one place. Reads marts only, read-only.

The connection is reopened when a build has swapped in a new warehouse file (a new
inode), so the dashboard follows rebuilds without ever holding a write lock.
"""
from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import polars as pl


class Warehouse:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._inode: int | None = None
        self._units: tuple[int | None, pl.DataFrame] | None = None
        self._unit_ids: tuple[pl.DataFrame, frozenset[str]] | None = None

    def _connection(self) -> duckdb.DuckDBPyConnection:
        inode = self.path.stat().st_ino
        if self._con is None or inode != self._inode:
            if self._con is not None:
                self._con.close()
            self._con = duckdb.connect(str(self.path), read_only=True)
            self._inode = inode
        return self._con

    def version(self) -> tuple[int, int, int]:
        """Changes when a build swaps in a new warehouse file (inode, size, modification time)."""
        st = self.path.stat()
        return st.st_ino, st.st_size, st.st_mtime_ns

    def frame(self, sql: str, params: list | None = None) -> pl.DataFrame:
        with self._lock:
            cur = self._connection().cursor()
            try:
                return cur.sql(sql, params=params or None).pl()
            finally:
                cur.close()

    # --- organisation -------------------------------------------------------------------
    def units(self) -> pl.DataFrame:
        """All units in hierarchy order; read once per warehouse file (callbacks use it often)."""
        inode = self.path.stat().st_ino
        if self._units is None or self._units[0] != inode:
            self._units = (inode, self.frame(
                "select unit_id, parent_id, unit_name, level, leader_role, depth, sort_path, is_current "
                "from mart_units order by sort_path"))
        return self._units[1]

    def unit_ids(self) -> frozenset[str]:
        units = self.units()
        if self._unit_ids is None or self._unit_ids[0] is not units:
            self._unit_ids = (units, frozenset(units["unit_id"].to_list()))
        return self._unit_ids[1]

    def area_unit_ids(self, unit_id: str) -> set[str]:
        """The unit and every unit below it (by each unit's latest place in the hierarchy)."""
        df = self.frame("select unit_id from mart_unit_areas where area_unit_id = ?", [unit_id])
        return set(df["unit_id"].to_list())

    def children(self, unit_id: str, wave: str, survey: str) -> pl.DataFrame:
        return self.frame("""
            select u.unit_id, u.unit_name, u.level, u.leader_role from dim_unit_wave u
            where u.survey = ? and u.wave = ? and u.parent_id = ? order by u.unit_name""", [survey, wave, unit_id])

    # --- surveys ------------------------------------------------------------------------
    def surveys(self) -> pl.DataFrame:
        """Surveys with data, the one with most waves (usually the trivselsmåling) first."""
        return self.frame("select s.survey, s.survey_name, s.min_group_size from dim_survey s "
                          "join (select survey, count(*) as n from dim_wave group by survey) w using (survey) "
                          "order by w.n desc, s.survey_name")

    def survey_ids(self) -> list[str]:
        return self.surveys()["survey"].to_list()

    def waves(self, survey: str) -> list[str]:
        return self.frame("select wave from dim_wave where survey = ? order by wave", [survey])["wave"].to_list()

    def competencies(self) -> list[str]:
        return self.frame("select competency from dim_competency order by position")["competency"].to_list()

    def roles(self) -> list[str]:
        return self.frame("select role from dim_role order by rank")["role"].to_list()

    # --- scores -------------------------------------------------------------------------
    def scores_for_units(self, survey: str, wave: str, unit_ids: list[str]) -> pl.DataFrame:
        return self.frame("""
            select s.unit_id, s.competency, s.role, s.score, s.n, s.ci_low, s.ci_high, s.suppressed,
                   b.score as kommune_score
            from mart_competency_scores s
            left join mart_benchmarks b
              on b.survey = s.survey and b.wave = s.wave and b.competency = s.competency
             and b.role = s.role and b.is_kommune
            where s.survey = ? and s.wave = ? and list_contains(?, s.unit_id)""", [survey, wave, unit_ids])

    def response_rates(self, survey: str, wave: str, unit_ids: list[str]) -> pl.DataFrame:
        return self.frame("""
            select unit_id, response_rate, low_rate from mart_response_rates
            where survey = ? and wave = ? and list_contains(?, unit_id)""", [survey, wave, unit_ids])

    def trend(self, survey: str, unit_id: str, area_unit_id: str | None) -> pl.DataFrame:
        """The unit's scores over waves with the area's and the kommune's level at its role."""
        return self.frame("""
            select s.wave, s.wave_date, s.competency, s.role, s.score, s.n, s.ci_low, s.ci_high, s.suppressed,
                   area.score as area_score, k.score as kommune_score,
                   c.difference as change, coalesce(c.significant, false) as significant_change,
                   rr.response_rate, coalesce(rr.low_rate, false) as low_rate, s.source, s.predecessors
            from mart_unit_trend s
            left join mart_response_rates rr on rr.survey = s.survey and rr.wave = s.wave and rr.unit_id = s.unit_id
            left join mart_competency_changes c
              on c.survey = s.survey and c.unit_id = s.unit_id and c.competency = s.competency and c.to_wave = s.wave
            left join mart_benchmarks area
              on area.survey = s.survey and area.wave = s.wave and area.competency = s.competency
             and area.role = s.role and area.area_unit_id = ?
            left join mart_benchmarks k
              on k.survey = s.survey and k.wave = s.wave and k.competency = s.competency
             and k.role = s.role and k.is_kommune
            where s.survey = ? and s.unit_id = ?
            order by s.wave""", [area_unit_id, survey, unit_id])

    def breakdowns(self, survey: str, unit_id: str) -> pl.DataFrame:
        """The area's published breakdown cells over waves (mart_breakdown_scores)."""
        return self.frame("""
            select wave, background, grp, competency, score, n, ci_low, ci_high, suppressed
            from mart_breakdown_scores
            where survey = ? and unit_id = ?
            order by wave, grp, competency""", [survey, unit_id])

    def role_spread(self, survey: str, wave: str, role: str, unit_ids: list[str] | None) -> pl.DataFrame:
        """Shown unit scores at one role level (restricted to unit_ids when given)."""
        return self.frame("""
            select s.unit_id, u.unit_name, s.competency, s.score, s.n
            from mart_competency_scores s
            join dim_unit_wave u using (survey, wave, unit_id)
            where s.survey = ? and s.wave = ? and s.role = ? and not s.suppressed
              and (? is null or list_contains(?, s.unit_id))""", [survey, wave, role, unit_ids, unit_ids])

    def unit_changes(self, unit_id: str) -> list[tuple[object, str]]:
        """(date, what happened) for the unit: mergers, splits and new codes from the lineage,
        renames from the unit's versions."""
        lineage = self.frame("""
            select l.change_date, l.change, string_agg(u.unit_name, ' og ' order by u.unit_name) as names
            from dim_unit_lineage l join mart_units u on u.unit_id = l.predecessor_id
            where l.unit_id = ? group by l.change_date, l.change""", [unit_id])
        words = {"merged": "Sammenlagt af", "split": "Udskilt fra", "renamed": "Tidligere"}
        out = [(r["change_date"], f"{words[r['change']]} {r['names']}") for r in lineage.iter_rows(named=True)]
        renames = self.frame("""
            select valid_from, unit_name, lag(unit_name) over (order by valid_from) as before
            from dim_unit where unit_id = ? qualify before is not null and before <> unit_name""", [unit_id])
        out += [(r["valid_from"], f"Omdøbt fra {r['before']}") for r in renames.iter_rows(named=True)]
        return sorted(out)

    def wave_dates(self, survey: str) -> dict[str, object]:
        return dict(self.frame("select wave, wave_date from dim_wave where survey = ?", [survey]).iter_rows())

    def item_means(self, survey: str, wave: str, unit_id: str) -> pl.DataFrame:
        return self.frame("""
            select competency, item_code, text, scope, mean, n, suppressed
            from mart_item_means where survey = ? and wave = ? and unit_id = ?
            order by competency, item_code""", [survey, wave, unit_id])

    def changes_from(self, survey: str, unit_id: str) -> pl.DataFrame:
        """Each competency's change from one wave to the next for a unit (published: hidden ones carry no number)."""
        return self.frame("""
            select competency, from_wave, to_wave, difference, significant, suppressed from mart_competency_changes
            where survey = ? and unit_id = ?""", [survey, unit_id])

    def drivers(self, survey: str, wave: str) -> pl.DataFrame:
        """Drivkræfter of one survey wave (groups of at least 25 respondents only)."""
        return self.frame("""
            select outcome, role, area_unit_id, competency, n, r2, importance, ci_low, ci_high from mart_drivers
            where survey = ? and wave = ? order by outcome, role, area_unit_id nulls first, competency_position""",
                          [survey, wave])

    def behaviours(self, role: str) -> pl.DataFrame:
        return self.frame("select competency, position, behaviour from dim_behaviour where role = ? "
                          "order by competency, position", [role])

    # --- mapping ------------------------------------------------------------------------
    def mapping(self) -> pl.DataFrame:
        return self.frame("select m.survey, m.item_code, i.text, m.competency, m.role, m.weight, m.scope "
                          "from dim_item_mapping m join dim_item i using (survey, item_code) "
                          "order by m.survey, m.item_code")

    def coverage(self) -> pl.DataFrame:
        return self.frame("select competency, role, n_items, n_direct, n_area, surveys from mart_mapping_coverage")

    def mapping_quality(self) -> pl.DataFrame:
        return self.frame("select competency, role, n_items, n_behaviours, n_evidenced, without_evidence, alphas, "
                          "alpha_warning from mart_mapping_quality")

    def disclosure_summary(self) -> pl.DataFrame:
        return self.frame("select survey, wave, figure, figures, shown, hidden_primary, hidden_complementary, "
                          "hidden_together, hidden_lineage from mart_disclosure_summary order by survey, wave, figure")

    def unmapped(self) -> pl.DataFrame:
        return self.frame("select survey, item_code, text, domain from mart_unmapped_items")
