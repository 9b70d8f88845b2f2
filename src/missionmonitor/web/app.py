"""The application factory: everything is built here, nothing at import time.

For example::

    app = create_app(Settings(store_path=Path("var/missionmonitor.duckdb")))
"""

from __future__ import annotations

import logging
import threading
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from missionmonitor import config
from missionmonitor.errors import (
    MethodInputError,
    NotFoundError,
    NotReadyToSubmit,
    PermissionDenied,
    StaleEditError,
    StoreNotReadyError,
    ValidationError,
)
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.site_data import SiteDataSource
from missionmonitor.settings import Settings
from missionmonitor.web.limits import BodyLimit
from missionmonitor.web.rendering import marked, templates
from missionmonitor.web.security import SecurityHeaders

log = logging.getLogger("missionmonitor.web")


def _mount(app: FastAPI, path: str, folder: Path, name: str) -> None:
    if folder.is_dir():
        app.mount(path, StaticFiles(directory=folder), name=name)
    else:
        log.warning("static folder %s is missing (run `make run` to install it)", folder)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the website for the store named in ``settings``."""
    from missionmonitor.web import (
        accountability_routes,
        portal_routes,
        portal_twins,
        public_routes,
        report_routes,
        return_files_routes,
        returns_routes,
        standards_routes,
    )

    settings = settings or Settings()
    configuration = config.load(settings.config_dir)
    app = FastAPI(
        title="Mission Monitor",
        description=f"{configuration.description} {configuration.attribution}",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.configuration = configuration
    app.state.geography = Geography.of(configuration)
    app.state.data = SiteDataSource(configuration, settings.store_path)
    app.state.templates = templates(configuration)
    app.state.memo_lock = threading.Lock()

    def wants_json(request: Request) -> bool:
        path = request.url.path
        return path.endswith(".json") or "/data." in path or path.startswith("/api/")

    def error(request: Request, status: int, title: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": title, "detail": message}, status_code=status)
        page = marked(
            request, {"title": title, "message": message, "licence": configuration.attribution}
        )
        page_templates: Jinja2Templates = app.state.templates
        return page_templates.TemplateResponse(
            request,
            "error.html",
            {"page": page, "json_url": None, "section": ""},
            status_code=status,
        )

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return error(request, 404, "Page not found", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error(
                request,
                404,
                "Page not found",
                "There is no page at this address. Check it, or start again below.",
            )
        return error(request, exc.status_code, "Something went wrong", str(exc.detail))

    @app.exception_handler(PermissionDenied)
    async def denied(request: Request, exc: PermissionDenied) -> Response:
        message = str(exc)
        if message == "sign in first":
            return RedirectResponse("/login", status_code=303)
        return error(request, 403, "Not allowed", message[0].upper() + message[1:] + ".")

    async def refused(request: Request, exc: Exception) -> Response:
        """A refused input or change: 409 when someone else changed the record first, else
        400; shown on the page the route named (``dependencies.on_refusal``), if any."""
        status = 409 if isinstance(exc, StaleEditError) else 400
        show = getattr(request.state, "refusal", None)
        if show is not None:
            response: Response = await run_in_threadpool(show, exc, status)
            return response
        message = str(exc)
        if status == 409:
            return error(request, 409, "Changed by someone else", message[:1].upper() + message[1:])
        return error(request, 400, "There is a problem", message)

    for refusal in (MethodInputError, StaleEditError, ValidationError, NotReadyToSubmit):
        app.add_exception_handler(refusal, refused)

    @app.exception_handler(StoreNotReadyError)
    async def not_ready(request: Request, exc: StoreNotReadyError) -> Response:
        return error(request, 503, "Service not ready", str(exc))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return error(
            request,
            500,
            "Sorry, there is a problem with the service",
            "Try again later. The problem has been logged.",
        )

    # Outermost last: the headers go on every answer, the size limit's 413 included.
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders, error_page=server_error)

    app.include_router(public_routes.router)
    app.include_router(report_routes.router)
    app.include_router(portal_twins.router)  # before the pages whose addresses they extend
    app.include_router(portal_routes.router)
    app.include_router(returns_routes.router)
    app.include_router(return_files_routes.router)
    app.include_router(standards_routes.router)
    app.include_router(accountability_routes.router)
    modules = settings.node_modules
    _mount(app, "/static/ds", modules / "@scottish-government/design-system/dist", "ds")
    _mount(app, "/static/swagger", modules / "swagger-ui-dist", "swagger")
    _mount(app, "/static/build", settings.assets_build, "build")
    _mount(app, "/static/app", Path(str(resources.files("missionmonitor.web") / "assets")), "app")
    return app


def prepare_for_serving(app: FastAPI) -> None:
    """Load the data snapshot, then move everything loaded so far out of the cyclic garbage
    collector's reach (``gc.freeze``). The modules, snapshot and templates live as long as
    the process; without this, full collections walking them cause latency spikes of
    ~100 ms under load (see BENCHMARKS.md)."""
    import gc

    app.state.data.get()
    gc.collect()
    gc.freeze()
