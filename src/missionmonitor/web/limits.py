"""The request-size limit, enforced before a body is read: a declared length over the
limit is answered 413 at once, and a body that grows past it while being read stops there
(413), so no one can make the site read a large upload before it checks who is asking.

For example::

    app.add_middleware(BodyLimit, max_bytes=12 * 1024 * 1024)
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestTooLarge(HTTPException):
    """A body past the limit (an HTTPException, so body parsing passes it on as a 413)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request is larger than the limit of {max_bytes:,} bytes.")


class BodyLimit:
    """ASGI middleware: at most ``max_bytes`` of request body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            refusal = RequestTooLarge(self.max_bytes)
            await PlainTextResponse(refusal.detail, 413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited, send)
