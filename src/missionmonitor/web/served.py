"""The configuration an app serves, around every request it answers.

``create_app`` builds one ``Configuration`` and wraps the app in ``Served``, so that every
definition loader called while answering reads that configuration, even with two apps
of two configurations in one process::

    app.add_middleware(Served, configuration=configuration)
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from missionmonitor import config
from missionmonitor.config import Configuration


class Served:
    """ASGI middleware running each request (and the app's lifespan) under one
    configuration."""

    def __init__(self, app: ASGIApp, configuration: Configuration) -> None:
        self.app, self.configuration = app, configuration

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with config.using(self.configuration):
            await self.app(scope, receive, send)
