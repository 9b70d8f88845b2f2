"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis):
anonymous, and signed in as each role. No request may give a server error or an answer
that breaks the documented schema."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, PASSWORD, scotland, sign_in, site_settings

pytestmark = pytest.mark.slow  # over a thousand fuzzed requests
ROLES = {
    "anonymous": None,
    "adp_submitter": "S11000015",
    "adp_approver": "S11000015",
    "phs_analyst": None,
    "government_viewer": None,
    "administrator": None,
}
#: Examples per operation and role: over a thousand requests in all.
EXAMPLES = 20
SENT: list[str] = []


@pytest.fixture(scope="module")
def fuzzed_app(built_store_path, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('portal')}/portal.sqlite3"
    engine = connect(url)
    with session_scope(engine) as db:
        for role, area in ROLES.items():
            if role != "anonymous":
                accounts.add_user(
                    scotland(), db, role, role, role, area, password=PASSWORD, hashing=CHEAP
                )
    engine.dispose()
    return create_app(site_settings(built_store_path, url))


@pytest.fixture(scope="module")
def cookies(fuzzed_app):
    """A session cookie for each role (none for the anonymous visitor)."""
    out = {"anonymous": {}}
    for role in ROLES:
        if role == "anonymous":
            continue
        client = TestClient(fuzzed_app)
        sign_in(client, role)
        out[role] = {"Cookie": f"mm_session={client.cookies['mm_session']}"}
    return out


@pytest.fixture(scope="module")
def api_schema(fuzzed_app):
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzzed_app)


def test_no_server_error_and_no_schema_violation(api_schema, cookies):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            for role, headers in cookies.items():
                case.call_and_validate(headers=headers)
                SENT.append(role)

        fuzz()


def test_over_a_thousand_requests_were_made():
    assert len(SENT) >= 1000, len(SENT)
    assert set(SENT) == set(ROLES)
