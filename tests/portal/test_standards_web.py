"""MAT standards pages (SQLite and PostgreSQL): the public sees only moderated grades; an
ADP cannot see another ADP's evidence or draft grades; a SYNTHETIC demo year fills the
matrix; comparisons across criteria versions are refused with their reason; the assessor
proposes and the moderator confirms through the site; who may use the grading routes (every
role against the permission service; over HTTP, one role of each scope)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.permissions import can
from missionmonitor.refdata.geography import Geography
from missionmonitor.standards.workflow import demo_year, propose
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, PASSWORD, Actor, log_in, scotland, site_settings

ADP, OTHER = "S11000015", "S11000001"
GEO = Geography.of(config.load(None))
ROLES = {
    "assessor": ("phs_analyst", None),
    "moderator": ("mat_moderator", None),
    "adp": ("adp_submitter", ADP),
    "other": ("adp_submitter", OTHER),
    "ia": ("ia_officer", "S37000034"),
    "hb": ("health_board_officer", "S08000031"),
    "sec": ("oversight_secretariat", None),
}
# Over HTTP, a role of each scope: an ADP's, an Integration Authority's, a board's, national.
ONE_OF_EACH_SCOPE = ["adp", "ia", "hb", "assessor"]


@pytest.fixture
def site(demo_store_path, app_db_url):
    engine = connect(app_db_url)
    with session_scope(engine) as db:
        users = {
            n: accounts.add_user(scotland(), db, n, n, r, a, password=PASSWORD, hashing=CHEAP)[0]
            for n, (r, a) in ROLES.items()
        }
        demo_year(db, 2023, geo=GEO)  # moderated, SYNTHETIC, criteria version 1
        propose(
            db,
            users["assessor"],
            ADP,
            1,
            2024,
            {"process": "full", "numerical": "full", "experiential": "partial"},
            "phs",
            "Draft for Glasgow",
            GEO,
            evidence_refs=["s1_process"],
        )
        propose(
            db,
            users["assessor"],
            OTHER,
            1,
            2024,
            {"process": "partial"},
            "phs",
            "Draft for the other ADP",
            GEO,
        )
    engine.dispose()
    return TestClient(create_app(site_settings(demo_store_path, app_db_url)))


def signed_in(site, name):
    client = TestClient(site.app)
    log_in(client, name)
    return client


def test_public_matrix_shows_the_synthetic_moderated_year_in_words(site):
    page = site.get("/standards.json").json()
    assert page["year"] == 2023 and page["years"] == [2023]  # drafts for 2024 are not public
    assert len(page["rows"]) == len(GEO.of_type("adp"))
    assert all(len(r["cells"]) == 10 and all(r["cells"]) for r in page["rows"])
    assert page["synthetic"] and not page["drafts_shown"]
    html = site.get("/standards").text
    assert "SYNTHETIC" in html and "Not graded" not in html
    assert any(w in html for w in ("Green", "Amber", "Provisional green"))
    one_to_five = page["summary"][0]
    assert one_to_five["assessments"] == 5 * len(GEO.of_type("adp"))
    counts = page["published_counts"]
    assert counts["period"] == "April 2022" and counts["total"] == 145
    assert counts["shares"] == {"fully": 17, "partially": 65, "not": 18}


def test_adp_sees_its_own_drafts_and_evidence_not_another_adps(site):
    adp = signed_in(site, "adp")
    own = adp.get(f"/standards/{ADP}/1.json").json()
    drafts = [h for h in own["history"] if h["status"] == "proposed"]
    assert drafts and drafts[0]["evidence"]["process"] == "full"
    other = adp.get(f"/standards/{OTHER}/1.json").json()
    assert all(h["status"] == "moderated" for h in other["history"])
    assert all("evidence" not in h for h in other["history"])
    matrix = adp.get("/standards.json?year=2024").json()
    assert [r["code"] for r in matrix["rows"]] == [ADP]  # only its own 2024 draft
    public = site.get(f"/standards/{ADP}/1.json").json()
    assert all(h["status"] == "moderated" and "evidence" not in h for h in public["history"])


def test_comparison_across_criteria_versions_is_refused_on_the_page(site):
    moderator = signed_in(site, "moderator")
    page = moderator.get("/standards.json?year=2024&compare_to=2023").json()
    assert "do not compare" in page["comparison"]["refused"]
    assert "No comparison." in moderator.get("/standards?year=2024&compare_to=2023").text


def test_assessor_proposes_and_moderator_confirms_through_the_site(site):
    assessor = signed_in(site, "assessor")
    page = assessor.get(f"/standards/{ADP}/2").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    r = assessor.post(
        "/portal/grades",
        data={
            "adp": ADP,
            "standard": "2",
            "year": "2024",
            "process": "full",
            "numerical": "partial",
            "experiential": "none",
            "rule_set": "scottish_government",
            "rationale": "Choice policy agreed; data partial",
            "cited": "s2_process, s2_numerical",
            "csrf_token": token,
        },
    )
    assert r.status_code == 200 and "Provisional green (draft)" in r.text
    moderator = signed_in(site, "moderator")
    page = moderator.get(f"/standards/{ADP}/2").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    grade_id, version = re.search(
        r'action="/portal/grades/(\d+)/moderate">\s*<input[^>]+>'
        r'<input type="hidden" name="version" value="(\d+)"',
        page,
    ).groups()
    refused = moderator.post(
        f"/portal/grades/{grade_id}/moderate",
        data={
            "version": version,
            "decision": "change",
            "new_grade": "amber:no",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 400 and "reason" in refused.text
    done = moderator.post(
        f"/portal/grades/{grade_id}/moderate",
        data={"version": version, "decision": "confirm", "csrf_token": token},
    )
    assert done.status_code == 200
    public = site.get(f"/standards/{ADP}/2.json").json()
    (g,) = [h for h in public["history"] if h["year"] == 2024]
    assert g["label"] == "Provisional green" and g["rule_set"] == "scottish_government"
    cited = moderator.get(f"/standards/{ADP}/2.json").json()["history"]
    refs = [h["evidence_refs"] for h in cited if h["year"] == 2024]
    assert refs == [["s2_process", "s2_numerical"]]


@pytest.mark.parametrize("name", list(ROLES))
def test_the_permissions_behind_the_grading_routes_for_every_role(name):
    user = Actor(*ROLES[name])
    assert can(user, "propose_grades", ADP, GEO) == (name == "assessor")
    assert can(user, "moderate_grades", ADP, GEO) == (name == "moderator")
    # Improvement actions: the ADP's own users and assessors.
    assert can(user, "manage_improvement_actions", ADP, GEO) == (name in ("adp", "assessor"))


@pytest.mark.parametrize("name", ONE_OF_EACH_SCOPE)
def test_grading_routes_for_every_role(site, app_db_url, name):
    from sqlalchemy import select

    from missionmonitor.portal.models import SessionRecord, User

    client = signed_in(site, name)
    with session_scope(connect(app_db_url)) as db:
        token = db.scalar(
            select(SessionRecord.csrf_token)
            .join(User, User.id == SessionRecord.user_id)
            .where(User.username == name)
        )
    form = {
        "adp": ADP,
        "standard": "3",
        "year": "2024",
        "process": "full",
        "numerical": "full",
        "experiential": "full",
        "rule_set": "phs",
        "rationale": "x",
        "csrf_token": token,
    }
    r = client.post("/portal/grades", data=form, follow_redirects=False)
    assert r.status_code == (303 if name == "assessor" else 403)
    # Moderating the 2024 draft of Glasgow: only the moderator may.
    page = signed_in(site, "moderator").get(f"/standards/{ADP}/1").text
    grade_id, version = re.search(
        r'/portal/grades/(\d+)/moderate">\s*<input[^>]+>'
        r'<input type="hidden" name="version" value="(\d+)"',
        page,
    ).groups()
    r = client.post(
        f"/portal/grades/{grade_id}/moderate",
        data={"version": version, "decision": "confirm", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == (303 if name == "moderator" else 403)
    # Improvement actions: the ADP's own users and assessors.
    r = client.post(
        f"/portal/grades/{grade_id}/actions",
        data={
            "title": "Same-day starts",
            "owner": "Lead",
            "due": "2025-03-31",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == (303 if name in ("adp", "assessor") else 403)


def test_adp_profile_shows_grades_and_overdue_improvement_actions(site, app_db_url):
    import datetime as dt

    from missionmonitor.standards.workflow import add_action, visible

    with session_scope(connect(app_db_url)) as db:
        adp_user = accounts.get_user(db, "adp")
        (g,) = [x for x in visible(db, None, 2023, GEO) if x.adp_code == ADP and x.standard == 1]
        add_action(
            db,
            adp_user,
            g.id,
            "Same-day starts at the hub",
            "Service lead",
            dt.date(2024, 1, 31),
            GEO,
        )
    page = site.get(f"/areas/{ADP}").text
    assert "MAT standards, 2023" in page and "(SYNTHETIC)" in page
    assert "Overdue: 2024-01-31" in page and "Same-day starts at the hub" in page
    assert site.get(f"/areas/{ADP}").headers["cache-control"] == "no-store"
    # A council's profile has no MAT section.
    assert "MAT standards," not in site.get("/areas/S12000049").text


def test_published_results_csv_and_evidence_on_the_standard_page(site, app_db_url):
    page = site.get("/standards.json").json()
    published = {(p["period"], p["measure"]): p["value"] for p in page["published"]}
    assert published[("April 2022", "Standards 1–5 fully implemented")] == 25
    assert published[("April 2025", "Standards 6–10 fully implemented (%)")] == 75
    csv_text = site.get("/standards.csv").text.splitlines()
    assert csv_text[0].startswith("year,adp_code,adp_name,standard,grade")
    assert len(csv_text) == 1 + 10 * len(GEO.of_type("adp"))
    assert all(",True,phs,True" in line for line in csv_text[1:])  # moderated, synthetic
    # Evidence attached to the MAT evidence return shows on the ADP's standard page.
    from missionmonitor.returns.forms import get_form
    from missionmonitor.returns.workflow import attach

    with session_scope(connect(app_db_url)) as db:
        attach(
            db,
            accounts.get_user(db, "adp"),
            get_form(scotland(), "mat_evidence"),
            ADP,
            "2024/25",
            "s1_process",
            "policy.pdf",
            b"%PDF-1.7\n%%EOF\n",
            GEO,
        )
    adp = signed_in(site, "adp")
    files = adp.get(f"/standards/{ADP}/1.json").json()["evidence_files"]
    assert [f["filename"] for f in files] == ["policy.pdf"]
    assert adp.get(f"/standards/{ADP}/2.json").json()["evidence_files"] == []
    assert signed_in(site, "other").get(f"/standards/{ADP}/1.json").json()["evidence_files"] == []
    assert site.get(f"/standards/{ADP}/1.json").json()["evidence_files"] == []


def test_generated_grades_stay_off_a_site_of_published_figures(built_store_path, app_db_url):
    engine = connect(app_db_url)
    with session_scope(engine) as db:
        demo_year(db, 2023, geo=GEO)
    engine.dispose()
    published = TestClient(create_app(site_settings(built_store_path, app_db_url)))
    page = published.get("/standards.json").json()
    assert page["years"] == [] and "demonstration" not in page
    assert "SYNTHETIC" not in published.get("/standards").text
