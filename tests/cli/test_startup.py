"""The command line starts at once: importing it loads none of the heavy libraries, which
each command imports only when it runs (timings: benchmarks/cli_start.py)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "duckdb",
    "pyarrow",
    "sqlalchemy",
    "alembic",
    "altair",
    "weasyprint",
    "pydantic",
    "openpyxl",
    "fastapi",
    "uvicorn",
    "jinja2",
    "yaml",
    "pyspark",
)


def test_the_cli_module_imports_no_heavy_library():
    code = (
        "import json, sys; import missionmonitor.cli.app; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_help_lists_every_command_without_loading_them():
    done = subprocess.run(
        [sys.executable, "-m", "missionmonitor", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("init", "load", "update", "summary", "serve", "demo", "ost", "report"):
        assert command in done.stdout


def test_the_summary_reads_the_store_without_data_frame_or_statistics_libraries(
    built_store_path,
):
    # What `missionmonitor summary` runs: no pandas, scipy or statsmodels, so it answers in
    # well under a second (benchmarks/cli_start.py).
    code = (
        "import json, sys, pathlib; from missionmonitor.cli.app import main; "
        "sys.argv = ['missionmonitor', '--store', sys.argv[1], 'summary']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps([m for m in ('pandas', 'scipy', 'statsmodels', 'pyarrow', "
        "'altair', 'sqlalchemy') if m in sys.modules]), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(built_store_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Scotland: latest figures" in done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
