"""Fetch a publisher's release over HTTP: a timeout and bounded retries for each request, a
size limit, progress as bytes arrive, and a refusal of anything cut short.

A request that cannot reach its server, times out, or is answered 429 or 5xx is tried again
after a wait that doubles each time (``backoff``, at most ``max_wait``), at most ``retries``
more times. A body shorter than its ``Content-Length`` is a truncated download and is
refused (tried again like a dropped connection, then ``DownloadError``). Whatever goes
wrong is a ``DownloadError`` that says nothing changed; when the server cannot be reached
at all, it asks whether there is a network.

For example::

    http = Http(timeout=20, retries=2)
    answer = http.get("https://example.org/data.csv", progress=lambda got, total: None)
    answer.content, answer.content_type
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from missionmonitor.errors import DownloadError

#: (bytes received so far, the total if the server said it).
Progress = Callable[[int, int | None], None]

_CHUNK = 64 * 1024
_RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Answer:
    """One complete answer: the address asked, its body and its media type."""

    address: str
    content: bytes
    content_type: str

    def json(self) -> Any:
        """The body as JSON; DownloadError if it is not."""
        try:
            return json.loads(self.content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DownloadError(
                f"{self.address} did not answer with JSON ({exc}): nothing changed"
            ) from exc


class _Truncated(Exception):
    """The body ended before its Content-Length."""


@dataclass(frozen=True)
class Http:
    """How requests are made: every fetch of a release goes through one of these."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 16.0
    max_bytes: int = 200 * 1024 * 1024
    user_agent: str = "missionmonitor (official statistics monitor)"
    #: How to wait between tries (tests pass a function that does not sleep).
    sleep: Callable[[float], None] = time.sleep

    def get(
        self,
        address: str,
        params: Mapping[str, str | int] | None = None,
        *,
        accept: str | None = None,
        progress: Progress | None = None,
    ) -> Answer:
        """GET ``address`` (with ``params`` added to its query)."""
        if params:
            sep = "&" if urllib.parse.urlparse(address).query else "?"
            address = f"{address}{sep}{urllib.parse.urlencode(params)}"
        return self._fetch(address, None, accept, progress)

    def post(
        self,
        address: str,
        form: Mapping[str, str],
        *,
        accept: str | None = None,
        progress: Progress | None = None,
    ) -> Answer:
        """POST ``form`` (URL-encoded) to ``address``, e.g. a SPARQL query."""
        return self._fetch(address, urllib.parse.urlencode(form).encode(), accept, progress)

    def _fetch(
        self, address: str, body: bytes | None, accept: str | None, progress: Progress | None
    ) -> Answer:
        wait = self.backoff
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                return self._once(address, body, accept, progress)
            except urllib.error.HTTPError as exc:
                if exc.code not in _RETRIED_STATUS or last:
                    raise DownloadError(
                        f"{address} answered {exc.code} {exc.reason}: nothing changed"
                    ) from exc
            except _Truncated as exc:
                if last:
                    raise DownloadError(
                        f"{address}: the download was cut short ({exc}); it is refused and "
                        "nothing changed"
                    ) from exc
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if last:
                    reason = getattr(exc, "reason", exc)
                    raise DownloadError(
                        f"cannot reach {address} ({reason}) after {self.retries + 1} tries: "
                        "no network? Nothing changed"
                    ) from exc
            except http.client.HTTPException as exc:
                if last:
                    raise DownloadError(f"{address}: {exc!r}; nothing changed") from exc
            self.sleep(wait)
            wait = min(wait * 2, self.max_wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self, address: str, body: bytes | None, accept: str | None, progress: Progress | None
    ) -> Answer:
        request = urllib.request.Request(address, data=body)
        request.add_header("User-Agent", self.user_agent)
        if accept:
            request.add_header("Accept", accept)
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:
            declared = answer.headers.get("Content-Length")
            total = int(declared) if declared and declared.isdigit() else None
            if total is not None and total > self.max_bytes:
                raise DownloadError(
                    f"{address} is {total:,} bytes, over the {self.max_bytes:,}-byte limit: "
                    "nothing changed"
                )
            parts: list[bytes] = []
            got = 0
            while chunk := answer.read(_CHUNK):
                got += len(chunk)
                if got > self.max_bytes:
                    raise DownloadError(
                        f"{address} is over the {self.max_bytes:,}-byte limit: nothing changed"
                    )
                parts.append(chunk)
                if progress:
                    progress(got, total)
            if total is not None and got < total:
                raise _Truncated(f"{got:,} of {total:,} bytes received")
            return Answer(address, b"".join(parts), answer.headers.get_content_type())
