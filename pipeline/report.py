"""What the build tells HR: validation findings, grouped so a bad column reads as one problem."""
from __future__ import annotations

from collections import defaultdict

from pipeline.validate import Finding

EXAMPLES = 5


def format_findings(findings: list[Finding]) -> str:
    """Group findings by (file, column, message); show a few rows of each and the count."""
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[(f.error, f.file, f.column, f.message)].append(f)
    errors = sum(1 for f in findings if f.error)
    lines = [f"Kontrol af data: {errors} fejl, {len(findings) - errors} advarsler"]
    for (error, file, column, message), group in sorted(groups.items(), key=lambda g: (not g[0][0], g[0][1], g[0][2] or "")):
        first = group[0]
        label = "FEJL     " if error else "ADVARSEL "
        value = f" (værdi: '{first.value}')" if first.value is not None else ""
        lines.append(f"{label}{first.where()}: {message}{value}")
        if len(group) > 1:
            rows = ", ".join(str(f.row) for f in group[1:EXAMPLES + 1] if f.row is not None)
            more = len(group) - 1
            lines.append(f"          ... og i {more} række{'r' if more > 1 else ''} mere" + (f" (fx række {rows})" if rows else ""))
    return "\n".join(lines)
