"""The command line starts at once: importing it loads none of the heavy libraries, which
each command imports only when it runs (timings: benchmarks/cli_start.py)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "numpy", "scipy", "statsmodels", "duckdb", "pyarrow", "sqlalchemy",
         "alembic", "altair", "weasyprint", "pydantic", "openpyxl", "fastapi", "uvicorn",
         "jinja2", "yaml", "pyspark")  # fmt: skip


def test_the_cli_module_imports_no_heavy_library():
    code = ("import json, sys; import missionmonitor.cli.app; "
            f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert json.loads(done.stdout) == []


def test_help_lists_every_command_without_loading_them():
    done = subprocess.run([sys.executable, "-m", "missionmonitor", "--help"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    for command in ("init", "load", "update", "summary", "serve", "demo", "ost", "report"):
        assert command in done.stdout
