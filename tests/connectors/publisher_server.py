"""A publishers' web site on 127.0.0.1 for the connector and update tests: a CKAN Action API
(``resource_show``, ``datastore_search`` paged by ``limit``/``offset``), resource downloads
and dumps, plain files (workbooks) and a SPARQL endpoint answering CSV.

Tests put what the site serves on it and may break it on purpose::

    def test_x(publisher_site):
        publisher_site.publish("abf54d64-…", csv_bytes, "2025-06-24T00:00:00", "ongoing.csv")
        publisher_site.files["/media/x.xlsx"] = (workbook_bytes, XLSX)
        publisher_site.sparql["SELECT …"] = csv_bytes
        publisher_site.short.add("/media/x.xlsx")   # body shorter than its Content-Length
        publisher_site.claimed_total = 1000          # datastore_search says more rows exist
        publisher_site.base  # http://127.0.0.1:PORT
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PACKAGE = "2e085b14-3640-4c6a-aab3-b04476d60718"


@dataclass
class Resource:
    """One CKAN resource: its metadata and its table (header and rows of text)."""

    meta: dict[str, Any]
    header: list[str]
    rows: list[list[str]]

    def fields(self) -> list[dict[str, str]]:
        out = [{"id": "_id", "type": "int"}]
        for i, name in enumerate(self.header):
            cells = [r[i] for r in self.rows if r[i] != ""]
            out.append(
                {"id": name, "type": "numeric" if cells and all(map(_number, cells)) else "text"}
            )
        return out

    def records(self, offset: int, limit: int) -> list[dict[str, Any]]:
        kinds = {f["id"]: f["type"] for f in self.fields()}
        out = []
        for n, row in enumerate(self.rows[offset : offset + limit], start=offset + 1):
            record: dict[str, Any] = {"_id": n}
            for name, cell in zip(self.header, row, strict=True):
                record[name] = _typed(cell) if kinds[name] == "numeric" else cell
            out.append(record)
        return out

    def csv(self, with_id: bool) -> bytes:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow((["_id"] if with_id else []) + self.header)
        for n, row in enumerate(self.rows, start=1):
            writer.writerow(([str(n)] if with_id else []) + row)
        return text.getvalue().encode()


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _typed(cell: str) -> Any:
    if cell == "":
        return None
    number = float(cell)
    return int(number) if number.is_integer() and "." not in cell else number


@dataclass
class PublisherSite:
    base: str
    resources: dict[str, Resource] = field(default_factory=dict)
    #: Path → (bytes, media type).
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    #: SPARQL query → CSV answer.
    sparql: dict[str, bytes] = field(default_factory=dict)
    #: Paths answered with a body shorter than their Content-Length (a dropped connection).
    short: set[str] = field(default_factory=set)
    #: A ``total`` datastore_search claims in place of the real one (rows missing).
    claimed_total: int | None = None
    #: Path → how many more requests to it are answered 503 (a server busy for a moment).
    busy: dict[str, int] = field(default_factory=dict)
    #: Every request's path and query, in order.
    requests: list[str] = field(default_factory=list)

    def publish(self, resource_id: str, content: bytes, last_modified: str, file_name: str) -> None:
        """Serve ``content`` (a CSV file) as resource ``resource_id``, last modified then."""
        lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        header, rows = lines[0], [r for r in lines[1:] if r]
        if header[0] == "_id":
            header, rows = header[1:], [r[1:] for r in rows]
        url = f"{self.base}/dataset/{PACKAGE}/resource/{resource_id}/download/{file_name}"
        meta = {
            "id": resource_id,
            "package_id": PACKAGE,
            "name": file_name,
            "url": url,
            "created": last_modified,
            "last_modified": last_modified,
            "datastore_active": True,
        }
        self.resources[resource_id] = Resource(meta, header, rows)


class _Handler(http.server.BaseHTTPRequestHandler):
    site: PublisherSite

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        path = urllib.parse.urlparse(self.path).path
        self.send_response(status)
        self.send_header("Content-Type", kind)
        extra = 100 if path in self.site.short else 0
        self.send_header("Content-Length", str(len(body) + extra))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, doc: Any) -> None:
        self._send(status, json.dumps(doc).encode(), "application/json")

    def do_GET(self) -> None:
        self.site.requests.append(self.path)
        url = urllib.parse.urlparse(self.path)
        if self.site.busy.get(url.path, 0) > 0:
            self.site.busy[url.path] -= 1
            return self._send(503, b"Service Unavailable", "text/plain")
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if url.path.startswith("/api/3/action/"):
            return self._action(parts[-1], query)
        if len(parts) == 6 and parts[0] == "dataset" and parts[4] == "download":
            found = self.site.resources.get(parts[3])
            if found:
                return self._send(200, found.csv(with_id=False), "text/csv")
        if len(parts) == 3 and parts[:2] == ["datastore", "dump"]:
            found = self.site.resources.get(parts[2])
            if found:
                return self._send(200, found.csv(with_id=True), "text/csv")
        if url.path in self.site.files:
            body, kind = self.site.files[url.path]
            return self._send(200, body, kind)
        self._send(404, b"Not found", "text/plain")

    def _action(self, action: str, query: dict[str, str]) -> None:
        rid = query.get("id") or query.get("resource_id", "")
        found = self.site.resources.get(rid)
        if found is None:
            error = {"message": "Not found: Resource was not found.", "__type": "Not Found Error"}
            return self._json(404, {"success": False, "error": error})
        if action == "resource_show":
            return self._json(200, {"success": True, "result": found.meta})
        if action == "datastore_search":
            limit, offset = int(query.get("limit", 100)), int(query.get("offset", 0))
            total = self.site.claimed_total or len(found.rows)
            result = {
                "resource_id": rid,
                "fields": found.fields(),
                "records": found.records(offset, limit),
                "total": total,
                "limit": limit,
                "offset": offset,
            }
            return self._json(200, {"success": True, "result": result})
        self._json(400, {"success": False, "error": {"message": f"unknown action {action}"}})

    def do_POST(self) -> None:
        self.site.requests.append(self.path)
        size = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(size).decode())
        query = form.get("query", [""])[0]
        if urllib.parse.urlparse(self.path).path != "/sparql" or query not in self.site.sparql:
            return self._send(400, b"Malformed query", "text/plain")
        if "text/csv" not in (self.headers.get("Accept") or ""):
            return self._send(406, b"Ask for text/csv", "text/plain")
        self._send(200, self.site.sparql[query], "text/csv")


@pytest.fixture
def publisher_site() -> Iterator[PublisherSite]:
    """A publishers' site on 127.0.0.1, served from a thread for one test."""
    handler = type("Handler", (_Handler,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    site = PublisherSite(f"http://127.0.0.1:{httpd.server_address[1]}")
    handler.site = site
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    httpd.shutdown()
    httpd.server_close()
