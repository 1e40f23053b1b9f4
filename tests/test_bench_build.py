"""The build benchmark's --parts: every function it times is reached by a build. A wrapper on a
function the build no longer calls through its module would print 0.00 for ever, unnoticed."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_build", ROOT / "benchmarks" / "build.py")
bench_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_build)
PARTS = bench_build.PARTS


def test_every_part_is_timed_in_a_build(demo_site) -> None:
    settings, _ = demo_site
    out = subprocess.run([sys.executable, "benchmarks/build.py", "--data", str(settings.raw), "--parts"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    within = out.stdout.split("within the steps")[1]
    for step, _, name in PARTS:
        found = re.search(rf"^\s+{step}\s+{re.escape(name.strip())}\s+([\d.]+)$", within, re.M)
        assert found and float(found.group(1)) > 0, f"{step} {name.strip()} not timed:\n{within}"
