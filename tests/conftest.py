from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ROOT, Settings, load_settings


def settings_for(tmp: Path, **paths: Path) -> Settings:
    """Settings with the project's configuration, but raw data and warehouse under tmp."""
    base = load_settings()
    values = dict(root=tmp, raw=tmp / "raw", warehouse=tmp / "warehouse" / "sammen.duckdb",
                  framework=base.framework, instruments=base.instruments, mapping=base.mapping,
                  columns=base.columns, key_file=tmp / "key")
    values.update(paths)
    return Settings(**values)


@pytest.fixture
def project_root() -> Path:
    return ROOT
