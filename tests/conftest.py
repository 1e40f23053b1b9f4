from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings


def settings_for(tmp: Path, **paths: Path) -> Settings:
    """Settings with the project's configuration, but raw data and warehouse under tmp."""
    base = load_settings()
    values = dict(root=tmp, raw=tmp / "raw", warehouse=tmp / "warehouse" / "sammen.duckdb",
                  framework=base.framework, instruments=base.instruments, mapping=base.mapping,
                  columns=base.columns, key_file=tmp / "key",
                  duckdb={**base.duckdb, "temp_directory": str(tmp / "spill")})
    values.update(paths)
    return Settings(**values)


def small_project(tmp: Path, codebook: str, mapping: str, raw_files: dict[str, str]) -> Settings:
    """A project with one hand-written codebook (trivsel), a mapping and raw files, under tmp."""
    (tmp / "instruments").mkdir()
    (tmp / "instruments" / "trivsel.yaml").write_text(codebook, encoding="utf-8")
    (tmp / "mapping.yaml").write_text(mapping, encoding="utf-8")
    (tmp / "raw").mkdir()
    for name, text in raw_files.items():
        (tmp / "raw" / name).write_text(text, encoding="utf-8")
    return settings_for(tmp, instruments=tmp / "instruments", mapping=tmp / "mapping.yaml")


DEMO_USERS = {"hr": ("hr", None, "hr-pass-123"), "chef": ("chef", "Center for Skoler", "chef-pass-123"),
              "med": ("med", "Center for Dagtilbud", "med-pass-123")}


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory):
    """A small demo municipality (400 employees) built once, with one user per role.

    Returns (settings, unit ids by name in the latest organisation)."""
    import polars as pl

    from dashboard.users import UserStore
    from pipeline.flow import build, demo_data
    from pipeline.organisation import FILE_NAME

    tmp = tmp_path_factory.mktemp("demo-site")
    settings = settings_for(tmp)
    demo_data(settings, settings.raw, employees=400, seed=7)
    build(settings)
    org = pl.read_csv(settings.raw / FILE_NAME, infer_schema=False)
    ids = dict(org.select("unit_name", "unit_id").unique("unit_name", keep="last").iter_rows())
    store = UserStore(tmp / "users.json")
    for username, (role, unit_name, password) in DEMO_USERS.items():
        store.add(username, role, ids.get(unit_name), password, f"Demo {username}")
    return settings, ids
