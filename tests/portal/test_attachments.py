"""Evidence attachments on SQLite and PostgreSQL: kept with their hash, checked at the
door, downloadable only by those who may see the return."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from missionmonitor import config
from missionmonitor.errors import MethodInputError, ValidationError
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import Attachment, Submission
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.evidence import MAX_EVIDENCE_BYTES, check_evidence
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.workflow import attach
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, PASSWORD, scotland, site_settings

ADP, OTHER = "S11000015", "S11000001"
MAT = get_form(scotland(), "mat_evidence")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_with(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, c in members.items():
            z.writestr(n, c)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("policy.pdf", b"", "empty-file"),
        ("policy.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES, "size"),
        ("run.exe", b"MZ\x90\x00", "file-type"),
        ("macro.docm", docx_with({"[Content_Types].xml": b"<x/>"}), "file-type"),
        ("fake.pdf", b"<html>not a pdf</html>", "file-type"),
        ("fake.png", PDF, "file-type"),
        (
            "macro.docx",
            docx_with({"[Content_Types].xml": b"<x/>", "word/vbaProject.bin": b"x"}),
            "macro",
        ),
        (
            "bomb.xlsx",
            docx_with({"[Content_Types].xml": b"<x/>", "a.xml": b"0" * (60 << 20)}),
            "zip-bomb",
        ),
        ("notzip.docx", b"PK\x03\x04 broken", "file-type"),
        ("latin.csv", b"caf\xe9\n", "encoding"),
        ("binary.txt", b"ab\x00cd", "binary"),
    ],
)
def test_evidence_is_checked_at_the_door(name, data, rule):
    with pytest.raises(ValidationError) as info:
        check_evidence(name, data)
    assert info.value.problems[0].rule == rule


def test_good_evidence_types():
    assert check_evidence("policy.pdf", PDF) == "application/pdf"
    assert check_evidence("notes.txt", b"Notes for assessors\n") == "text/plain"
    assert check_evidence("plan.docx", docx_with({"[Content_Types].xml": b"<x/>"})).endswith(
        "wordprocessingml.document"
    )


@pytest.fixture
def people(engine):
    with session_scope(engine) as db:
        sub, _ = accounts.add_user(
            scotland(), db, "sub", "sub", "adp_submitter", ADP, password=PASSWORD, hashing=CHEAP
        )
        other, _ = accounts.add_user(
            scotland(), db, "other", "o", "adp_submitter", OTHER, password=PASSWORD, hashing=CHEAP
        )
    return sub, other


def test_attachment_is_kept_with_its_hash_and_answers_the_question(engine, people):
    sub, other = people
    geo = Geography.of(config.load(None))
    with session_scope(engine) as db:
        item = attach(db, sub, MAT, ADP, "2024/25", "s1_process", "policy.pdf", PDF, geo)
        assert item.sha256 == hashlib.sha256(PDF).hexdigest() and item.size == len(PDF)
    with session_scope(engine) as db:
        draft = db.scalars(select(Submission)).one()
        assert draft.status == "draft"
        assert "sha256:" + item.sha256[:16] in json.loads(draft.answers)["s1_process"]
        assert db.get(Attachment, item.id).content == PDF
    with pytest.raises(MethodInputError, match="not a file question"), session_scope(engine) as db:
        attach(db, sub, MAT, ADP, "2024/25", "s1_self_assessment", "x.pdf", PDF, geo)
    from missionmonitor.errors import PermissionDenied

    with pytest.raises(PermissionDenied), session_scope(engine) as db:
        attach(db, other, MAT, ADP, "2024/25", "s1_process", "x.pdf", PDF, geo)


def test_upload_and_download_through_the_portal(built_store_path, app_db_url, people):
    def signed(name: str) -> tuple[TestClient, str]:
        client = TestClient(create_app(site_settings(built_store_path, app_db_url)))
        tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)[1]
        client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": tok})
        return client, re.search(r'name="csrf_token" value="([^"]+)"', client.get("/portal").text)[
            1
        ]

    sub, csrf = signed("sub")
    url = f"/portal/returns/mat_evidence/{ADP}/2024-25"
    page = sub.get(url).text
    assert "Evidence files" in page and 'action="' + url + '/attach/s1_process"' in page
    done = sub.post(
        url + "/attach/s1_process",
        data={"csrf_token": csrf},
        files={"file": ("policy.pdf", PDF, "application/pdf")},
    )
    assert done.status_code == 200 and "policy.pdf" in done.text
    link = re.search(r'href="(/portal/attachments/\d+)"', done.text)[1]
    got = sub.get(link)
    assert got.content == PDF and "attachment" in got.headers["content-disposition"]
    refused = sub.post(
        url + "/attach/s1_numerical",
        data={"csrf_token": csrf},
        files={"file": ("data.xlsm", b"PK\x03\x04", "application/octet-stream")},
    )
    assert refused.status_code == 400 and "nothing was kept" in refused.text
    with session_scope(connect(app_db_url)) as db:
        assert db.scalar(select(func.count()).select_from(Attachment)) == 1
    other, _ = signed("other")
    assert other.get(link).status_code == 403  # another ADP's evidence
    anonymous = TestClient(sub.app)
    assert anonymous.get(link, follow_redirects=False).status_code == 303


ROLE_USERS = {
    "sub": ("adp_submitter", ADP),
    "app": ("adp_approver", ADP),
    "ana": ("phs_analyst", None),
    "gov": ("government_viewer", None),
    "adm": ("administrator", None),
}
# may they attach evidence to this ADP's return, and download it?
EXPECTED = {
    "sub": (200, 200),
    "app": (200, 200),
    "other": (403, 403),
    "ana": (403, 200),
    "gov": (403, 200),
    "adm": (403, 200),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_attachment_routes_for_every_role(built_store_path, app_db_url, people, name):
    with session_scope(connect(app_db_url)) as db:
        for user, (role, area) in ROLE_USERS.items():
            if user != "sub":
                accounts.add_user(
                    scotland(), db, user, user, role, area, password=PASSWORD, hashing=CHEAP
                )
        item = attach(
            db,
            people[0],
            MAT,
            ADP,
            "2024/25",
            "s2_process",
            "p.pdf",
            PDF,
            Geography.of(config.load(None)),
        )
        link = f"/portal/attachments/{item.id}"
    client = TestClient(create_app(site_settings(built_store_path, app_db_url)))
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)[1]
    client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": tok})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/portal").text)[1]
    may_attach, may_download = EXPECTED[name]
    url = f"/portal/returns/mat_evidence/{ADP}/2024-25/attach/s3_process"
    r = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("q.pdf", PDF, "application/pdf")}
    )
    assert r.status_code == may_attach
    assert client.get(link).status_code == may_download
