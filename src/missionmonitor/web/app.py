"""The application factory: everything is built here, nothing at import time.

>>> # app = create_app(Settings(store_path=Path("var/missionmonitor.duckdb")))
"""

from __future__ import annotations

import logging
import math
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from missionmonitor.data import ATTRIBUTION
from missionmonitor.errors import MethodInputError, NotFoundError, StoreNotReadyError
from missionmonitor.portal.permissions import PermissionDenied
from missionmonitor.services.site_data import SiteDataSource
from missionmonitor.settings import Settings

log = logging.getLogger("missionmonitor.web")

#: No inline scripts, no eval; styles may be inline (vega draws SVG with style attributes).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response (cheaper than
    Starlette's BaseHTTPMiddleware, which wraps each response in a stream)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def json_safe(obj: Any) -> Any:
    """Make a view model JSON-ready: NaN → None, numpy scalars → Python."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _columns(records: list[dict[str, Any]], *keys: str) -> list[list[Any]]:
    return [[r.get(k, "") for k in keys] for r in records]


def _link(text: str, url: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, escape(text))


def templates() -> Jinja2Templates:
    folder = Path(str(resources.files("missionmonitor.web") / "templates"))
    t = Jinja2Templates(directory=folder)
    t.env.filters["columns"] = _columns
    t.env.filters["link"] = _link
    return t


def _mount(app: FastAPI, path: str, folder: Path, name: str) -> None:
    if folder.is_dir():
        app.mount(path, StaticFiles(directory=folder), name=name)
    else:
        log.warning("static folder %s is missing (run `make run` to install it)", folder)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the website for the store named in ``settings``."""
    from missionmonitor.web import portal_returns, portal_routes, routes, standards_routes

    settings = settings or Settings()
    app = FastAPI(
        title="Mission Monitor",
        description="Indicators for Scotland's National Mission on Drugs. " + ATTRIBUTION,
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.data = SiteDataSource(settings.store_path)
    app.state.templates = templates()
    app.state.memo_lock = threading.Lock()

    app.add_middleware(SecurityHeaders)

    def wants_json(request: Request) -> bool:
        path = request.url.path
        return path.endswith(".json") or "/data." in path or path.startswith("/api/")

    def error(request: Request, status: int, title: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": title, "detail": message}, status_code=status)
        page = {"title": title, "message": message, "licence": ATTRIBUTION}
        page_templates: Jinja2Templates = app.state.templates
        return page_templates.TemplateResponse(
            request,
            "error.html",
            {"page": page, "json_url": "/index.json", "section": ""},
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

    @app.exception_handler(MethodInputError)
    async def bad_input(request: Request, exc: MethodInputError) -> Response:
        return error(request, 400, "There is a problem", str(exc))

    @app.exception_handler(StoreNotReadyError)
    async def not_ready(request: Request, exc: StoreNotReadyError) -> Response:
        return error(request, 503, "Service not ready", str(exc))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error(
            request,
            500,
            "Sorry, there is a problem with the service",
            "Try again later. The problem has been logged.",
        )

    app.include_router(routes.router)
    app.include_router(portal_routes.router)
    app.include_router(portal_returns.router)
    app.include_router(standards_routes.router)
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


def render_page(
    templates_: Jinja2Templates,
    template: str,
    page: dict[str, Any],
    json_url: str,
    section: str,
    breadcrumbs: list[dict[str, str]] | None = None,
) -> bytes:
    """A page as UTF-8 HTML; pages depend only on their view model, so callers may cache it."""
    ctx = {"page": page, "json_url": json_url, "section": section, "breadcrumbs": breadcrumbs}
    return templates_.get_template(template).render(ctx).encode("utf-8")
