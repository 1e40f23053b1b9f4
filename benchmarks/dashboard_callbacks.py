"""Time every data callback of the dashboard on a built warehouse (default: the demo's).

    ./run bench [--warehouse FILE] [--repeat N]

Each callback is posted through Flask's test client as the browser would post it, as HR
(who sees every unit, so the largest answers); prints the median, the 95th percentile and the
max per callback. The first call of each warms the connection and is not counted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import duckdb  # noqa: E402

from dash_client import call, login  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from dashboard.web import WebSettings  # noqa: E402
from dashboard.users import UserStore  # noqa: E402
from pipeline.config import load_settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path, default=load_settings().warehouse)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    con = duckdb.connect(str(args.warehouse), read_only=True)
    top = con.execute("select unit_id from mart_units where parent_id is null").fetchall()[0][0]
    centre = con.execute("select unit_id from mart_units where level = 'center' and is_current limit 1").fetchall()[0][0]
    wave = con.execute("select max(wave) from dim_wave where survey = 'trivsel'").fetchall()[0][0]
    outcome, role = con.execute("select outcome, role from mart_drivers where survey = 'trivsel' and wave = ? "
                                "and area_unit_id is null order by n desc limit 1", [wave]).fetchone()
    con.close()
    with tempfile.TemporaryDirectory() as tmp:
        UserStore(Path(tmp) / "users.json").add("bench", "hr", None, "bench-password")
        app = create_app(args.warehouse, Path(tmp) / "users.json", WebSettings(private=Path(tmp) / "private"))
        client = app.server.test_client()
        login(client, "bench", "bench-password")
        cases = {
            "Overblik (kommune)": ("ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": wave, "ov-root": top}),
            "Udvikling (center)": ("ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": centre}),
            "Enhedsprofil (center)": ("ep-profile.figure", {"ep-survey": "trivsel", "ep-wave": wave, "ep-unit": centre}),
            "Rolleniveau (all units)": ("rl-spread.figure", {"rl-survey": "trivsel", "rl-wave": wave,
                                                             "rl-role": "Leder af medarbejder", "rl-unit": centre}),
            "Kortlægning": ("kl-matrix.figure", {"kl-trigger": 1}),
            "Handleplaner (center)": ("hp-plan.children", {"hp-survey": "trivsel", "hp-wave": wave, "hp-unit": centre}),
            "Drivkræfter (kommune)": ("dk-chart.figure", {"dk-survey": "trivsel", "dk-wave": wave, "dk-outcome": outcome,
                                                           "dk-role": role, "dk-area": "kommunen"}),
        }
        print(f"warehouse: {args.warehouse}  repeats: {args.repeat}")
        slowest = ("", 0.0)
        for name, (output, inputs) in cases.items():
            times = []
            call(client, output, inputs)                 # warm-up, not counted
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = call(client, output, inputs)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200 and "Ingen adgang" not in response.get_data(as_text=True)
            median, p95 = statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[-1]
            print(f"{name:28s} median {median * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms")
            slowest = max(slowest, (name, median), key=lambda x: x[1])
        print(f"slowest callback (median): {slowest[0]}, {slowest[1] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
