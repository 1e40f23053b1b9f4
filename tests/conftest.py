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
                  breakdown_by=base.breakdown_by, breakdown_areas=base.breakdown_areas,
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


HOSTILE_NAMES = [  # unit names an attacker (or an unlucky HR export) could put in the organisation file
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="http://evil.example">klik</a>',
    '=HYPERLINK("http://evil.example","klik")', "+SUM(1+1)", "@cmd", "-2+3", "Ærø Øst å 🌱 " + "x" * 300,
]
LONG_IDS = {"Center for Skoler": "CENTER-SKOLER-1", "Center for Dagtilbud": "CENTER-SKOLER-2"}
HOSTILE_GROUPS = {"Under 30 år": '<img src=x onerror="alert(1)">|30', "60 år og derover": '=HYPERLINK("http://evil.example","klik")'}
AGE_GROUPS = ["Under 30 år", "30-39 år", "40-49 år", "50-59 år", "60 år og derover"]   # the demo's


def _rewrite(path: Path, ids: dict[str, str], names: dict[str, str], groups: dict[str, str] | None = None) -> None:
    """Map unit ids in every column that holds only unit ids, unit names, and age groups (in every
    column that holds only the demo's age groups), in one file."""
    import io

    import polars as pl
    if path.suffix == ".csv":   # written back in the file's own encoding, BOM and delimiter
        raw = path.read_bytes()
        bom, encoding = (b"\xef\xbb\xbf", "utf-8") if raw.startswith(b"\xef\xbb\xbf") else (b"", "utf-8")
        try:
            text = raw[len(bom):].decode(encoding)
        except UnicodeDecodeError:
            text, encoding = raw.decode("cp1252"), "cp1252"
        sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, separator=sep)
    else:
        frame = pl.read_excel(path).with_columns(pl.all().cast(pl.String))
    frame = frame.with_columns(
        [pl.col(c).replace(ids) for c in frame.columns if frame[c].drop_nulls().is_in(list(ids)).all()
         and frame[c].drop_nulls().len() > 0]
        + [pl.col(c).replace(names) for c in frame.columns if c == "unit_name"]
        + [pl.col(c).replace(groups or {}) for c in frame.columns if frame[c].drop_nulls().is_in(AGE_GROUPS).all()
           and frame[c].drop_nulls().len() > 0])
    if path.suffix == ".csv":
        path.write_bytes(bom + frame.write_csv(separator=sep).encode(encoding))
    else:
        frame.write_excel(path)


def make_hostile_site(tmp: Path):
    """The small demo municipality with hostile unit ids and names: two centres whose ids share
    their first 12 characters, every other id with '_', '%' or 40 characters, and units named as
    markup, formulas, 300 characters, emoji and æøå; two age groups named as markup and a
    formula (HOSTILE_GROUPS). Returns (settings, ids by original name,
    ids by hostile name). Also used by benchmarks/security_probes.py."""
    import polars as pl

    from dashboard.users import UserStore
    from pipeline.flow import build, demo_data
    from pipeline.organisation import FILE_NAME

    settings = settings_for(tmp)
    demo_data(settings, settings.raw, employees=400, seed=7, formats="csv")   # ids rewritten in plain files
    org = pl.read_csv(settings.raw / FILE_NAME, infer_schema=False)
    latest = dict(org.select("unit_name", "unit_id").unique("unit_name", keep="last").iter_rows())
    by_old = {latest[n]: new for n, new in LONG_IDS.items()}
    for i, old in enumerate(sorted(set(org["unit_id"]) - set(by_old))):
        by_old[old] = [f"{old}_x", f"{old}%", f"{old}-" + "L" * 34][i % 3]
    teams = [n for n in org.filter(pl.col("level") == "afdeling")["unit_name"].unique().sort()][:len(HOSTILE_NAMES)]
    names = dict(zip(teams, HOSTILE_NAMES))
    for path in sorted(settings.raw.iterdir()):
        _rewrite(path, by_old, names, HOSTILE_GROUPS)
    build(settings)
    ids = {name: by_old[old] for name, old in latest.items()}
    store = UserStore(tmp / "users.json")
    for username, (role, unit_name, password) in DEMO_USERS.items():
        store.add(username, role, ids.get(unit_name), password, f"Demo {username}")
    return settings, ids, {names[t]: ids[t] for t in teams}


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    """See make_hostile_site."""
    return make_hostile_site(tmp_path_factory.mktemp("hostile-site"))


def tree_below(settings, unit: str) -> set[str]:
    """The unit and everything below it, walked in Python from the parent links alone (the
    tests' own answer to "who is in this area", independent of mart_unit_areas)."""
    import duckdb
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    parents = dict(con.execute("select unit_id, parent_id from mart_units").fetchall())
    con.close()

    def under(u: str | None) -> bool:
        while u is not None:
            if u == unit:
                return True
            u = parents[u]
        return False
    return {u for u in parents if under(u)}
