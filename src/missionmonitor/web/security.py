"""Security headers on every HTTP response, error pages included: a strict
Content-Security-Policy and friends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Makes the page for an unhandled error (the response has not started).
ErrorPage = Callable[[Request, Exception], Awaitable[Response]]

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
    Starlette's BaseHTTPMiddleware, which wraps each response in a stream). An unhandled
    error is answered here with ``error_page``, so the 500 page carries the headers too."""

    def __init__(self, app: ASGIApp, error_page: ErrorPage | None = None) -> None:
        self.app, self.error_page = app, error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if started or self.error_page is None:
                raise
            response = await self.error_page(Request(scope), exc)
            await response(scope, receive, send_with_headers)
