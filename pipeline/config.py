"""Settings from config/sammen.yaml; every path resolved against the project root."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.errors import SammenError
from pipeline.private import secret

BACKGROUND = ("age_group", "seniority", "job_group")   # the background columns an export may carry

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    root: Path
    raw: Path
    warehouse: Path
    framework: Path
    instruments: Path
    mapping: Path
    columns: Path
    demo_raw: Path | None = None
    users: Path | None = None
    private: Path | None = None
    min_group_size: int = 5
    min_group_size_per_survey: dict[str, int] = field(default_factory=dict)
    hide_unit_together: bool = False
    breakdown_by: str | None = None               # a background column (BACKGROUND), or None
    breakdown_areas: tuple[str, ...] = ()         # role levels whose units get breakdowns
    duckdb: dict[str, str | int] = field(default_factory=dict)   # memory_limit, threads, temp_directory
    key_env: str = "SAMMEN_PSEUDONYM_KEY"
    key_file: Path | None = None
    fieldwork_days: int = 120     # a wave's answers lie within this many days of their median date
    dashboard: dict = field(default_factory=dict)   # the dashboard's server settings (dashboard/web.py)

    def min_n(self, survey: str) -> int:
        return int(self.min_group_size_per_survey.get(survey, self.min_group_size))


def load_settings(path: Path | None = None, **overrides: Path | None) -> Settings:
    """Read the config file; keyword overrides (e.g. raw=..., warehouse=...) win when not None."""
    path = path or Path(os.environ.get("SAMMEN_CONFIG", ROOT / "config" / "sammen.yaml"))
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    root = path.resolve().parents[1]
    paths = {k: (root / v) for k, v in cfg["paths"].items()}
    paths.update({k: Path(v) for k, v in overrides.items() if v is not None})
    anon = cfg.get("anonymity", {})
    build = dict(cfg.get("duckdb") or {})
    if "temp_directory" in build:
        build["temp_directory"] = str(root / build["temp_directory"])
    pseudo = cfg.get("pseudonymisation", {})
    return Settings(
        root=root,
        min_group_size=int(anon.get("min_group_size", 5)),
        min_group_size_per_survey=dict(anon.get("per_survey") or {}),
        hide_unit_together=bool(anon.get("hide_unit_together", False)),
        **_breakdowns(cfg.get("breakdowns") or {}, path),
        duckdb=build,
        key_env=pseudo.get("key_env", "SAMMEN_PSEUDONYM_KEY"),
        key_file=root / pseudo.get("key_file", "data/warehouse/.pseudonym_key"),
        fieldwork_days=int((cfg.get("waves") or {}).get("fieldwork_days", 120)),
        dashboard=dict(cfg.get("dashboard") or {}),
        **paths,
    )


def _breakdowns(section: dict, path: Path) -> dict:
    by = section.get("by")
    if by in (None, "none", ""):
        return {"breakdown_by": None, "breakdown_areas": ()}
    if by not in BACKGROUND:
        raise SammenError(f"{path}: breakdowns.by skal være en af {', '.join(BACKGROUND)} eller none, ikke {by!r}")
    return {"breakdown_by": by, "breakdown_areas": tuple(str(r) for r in section.get("areas") or ())}


def pseudonym_key(settings: Settings) -> bytes:
    """The secret behind respondent keys: from the environment, else a key file made once."""
    assert settings.key_file is not None
    return secret(settings.key_env, settings.key_file)
