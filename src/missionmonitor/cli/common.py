"""What every command shares: settings from the context, error reporting, consoles.

Command modules import only this, typer and rich at the top; everything else is imported
inside the command that needs it, so that `missionmonitor --help` starts at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from missionmonitor.errors import MissionMonitorError

if TYPE_CHECKING:
    from missionmonitor.config import Configuration
    from missionmonitor.settings import Settings

out = Console()
err = Console(stderr=True)


def settings(ctx: typer.Context) -> Settings:
    from missionmonitor.settings import Settings

    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


def configured(ctx: typer.Context) -> Configuration:
    """The configuration this invocation runs on, built once from its settings (``root``)."""
    from missionmonitor.config import Configuration

    found = ctx.find_root().meta["configuration"]
    assert isinstance(found, Configuration)
    return found


def store_path(ctx: typer.Context) -> Path:
    return settings(ctx).store_path


@contextmanager
def reported() -> Iterator[None]:
    """Turn a library error into a message on stderr and the error's exit code."""
    try:
        yield
    except MissionMonitorError as exc:
        # The message is text, not markup: "[rule: …]" must print as it is.
        err.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from exc


def serve_site(
    configuration: Configuration, settings: Settings, host: str | None, port: int | None
) -> None:
    """Serve the website for ``settings`` until stopped (the store must be built)."""
    import uvicorn

    from missionmonitor.store.connection import Store
    from missionmonitor.web.app import create_app, prepare_for_serving

    with reported(), Store.open(settings.store_path, configuration, read_only=True) as store:
        store.require_table("indicator_results")
        kind = " (demonstration: generated data)" if store.demonstration else ""
    host, port = host or settings.host, port or settings.port
    web = create_app(settings)
    with reported():
        prepare_for_serving(web)
    out.print(f"Serving Mission Monitor{kind} on http://{host}:{port} (Ctrl+C to stop)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


def load_written(
    ctx: typer.Context, dataset: str, files: list[Path], suffix: str, synthetic: bool
) -> None:
    """Load the file of ``files`` whose name ends with ``suffix`` as ``dataset`` (with the
    recompute) and say how it went; for commands with ``--out … --load``."""
    from missionmonitor.services.ingest import ingest

    configuration = configured(ctx)
    written = next(p for p in files if p.name.endswith(suffix))
    with reported():
        loaded = ingest(configuration, store_path(ctx), dataset, written)
    state = "already loaded" if loaded.already_loaded else f"loaded as load {loaded.load_id}"
    out.print(f"{written.name}: {state}" + (" (SYNTHETIC)" if synthetic else ""))
