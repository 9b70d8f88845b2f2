"""The permission matrix as a table: every role × permission, and where each scope reaches
from each kind of home area, asserted against the permission service in-process. The
routes that ask it are driven over HTTP for one role of each scope in the web tests."""

from __future__ import annotations

import pytest

from missionmonitor import config
from missionmonitor.errors import PermissionDenied
from missionmonitor.portal.permissions import can, matrix, require, scope
from missionmonitor.refdata.geography import Geography
from tests.helpers import Actor

GEO = Geography.of(config.load(None))
ROLES = (
    "adp_submitter",
    "adp_approver",
    "ia_officer",
    "ijb_member",
    "health_board_officer",
    "phs_analyst",
    "government_viewer",
    "mat_moderator",
    "oversight_secretariat",
    "administrator",
)
SCOPES = {"A": "all", "O": "own_area", "W": "within_area", "-": "none"}
# One column per role, in the order above: A all, O own area, W within area, - none.
TABLE = {
    "view_alerts": "O O O O O A A - A A",
    "manage_actions": "W W W - W A - - - A",
    "manage_users": "- - - - - - - - - A",
    "edit_returns": "W W - - - - - - - -",
    "approve_returns": "- W - - - - - - - -",
    "view_returns": "O O O O O A A A A A",
    "view_audit": "- - - - - A - - - A",
    "propose_grades": "- - - - - A - - - -",
    "moderate_grades": "- - - - - - - A - -",
    "view_draft_grades": "O O - - - A - A - -",
    "manage_improvement_actions": "W W - - - A - - - -",
    "view_governance": "O O O O O A A A A A",
    "record_governance": "- W W W W - - - A -",
    "update_governance_actions": "W W W W W - - - A -",
    "read_feedback": "W W - - - - - - - -",
    "moderate_feedback": "- W - - - - - - - -",
}
# Areas to ask about: the nation; Greater Glasgow and Clyde; Glasgow City's Integration
# Authority, ADP and council (one council, inside the board); another board (Highland);
# another ADP (Aberdeen City).
PROBES = {
    "nation": "S92000003",
    "board": "S08000031",
    "ia": "S37000034",
    "adp": "S11000015",
    "council": "S12000049",
    "highland": "S08000022",
    "other_adp": "S11000001",
}
EVERY = set(PROBES)
GLASGOW = {"ia", "adp", "council"}
# Where a scope reaches from a user's home area: own_area takes in every area sharing a
# council with it (so the nation and the board too); within_area only areas wholly inside.
REACH = {
    "S11000015": {"own_area": {"nation", "board", *GLASGOW}, "within_area": GLASGOW},
    "S37000034": {"own_area": {"nation", "board", *GLASGOW}, "within_area": GLASGOW},
    "S08000031": {"own_area": {"nation", "board", *GLASGOW}, "within_area": {"board", *GLASGOW}},
    "S08000022": {"own_area": {"nation", "highland"}, "within_area": {"highland"}},
}
# A user of each role: scoped roles at home in Glasgow City (the board for a board officer).
HOME = {
    "adp_submitter": "S11000015",
    "adp_approver": "S11000015",
    "ia_officer": "S37000034",
    "ijb_member": "S37000034",
    "health_board_officer": "S08000031",
}
CASES = [(role, action) for action in TABLE for role in ROLES]


def expected(role: str, action: str) -> str:
    return SCOPES[TABLE[action].split()[ROLES.index(role)]]


def test_the_table_covers_every_role_and_permission():
    m = matrix()
    assert set(m.roles) == set(ROLES)
    assert set(m.actions) == set(TABLE)
    assert all(len(row.split()) == len(ROLES) for row in TABLE.values())


@pytest.mark.parametrize(("role", "action"), CASES)
def test_every_role_and_permission(role, action):
    want = expected(role, action)
    assert scope(role, action) == want
    user = Actor(role, HOME.get(role))
    if want == "all":
        reach = EVERY
    elif want == "none":
        reach = set()
    else:
        reach = REACH[HOME[role]][want]
    for probe, code in PROBES.items():
        assert can(user, action, code, GEO) == (probe in reach), (role, action, probe)
    # "Anywhere at all" (no area named): whoever has a scope other than none.
    assert can(user, action, None, GEO) == (want != "none")


def test_a_board_officer_elsewhere_reaches_only_its_own_board():
    home = "S08000022"  # Highland
    officer = Actor("health_board_officer", home)
    for action in TABLE:
        want = expected("health_board_officer", action)
        reach = set() if want == "none" else REACH[home][want]
        for probe, code in PROBES.items():
            assert can(officer, action, code, GEO) == (probe in reach), (action, probe)


def test_no_one_disabled_or_signed_out_may_do_anything():
    for action in TABLE:
        assert not can(None, action, None, GEO)
        assert not can(Actor("administrator", None, active=False), action, None, GEO)


def test_require_refuses_with_the_action_and_area():
    with pytest.raises(PermissionDenied, match="not allowed: manage users for S11000015"):
        require(Actor("adp_approver", "S11000015"), "manage_users", "S11000015", GEO)
    require(Actor("administrator", None), "manage_users", None, GEO)
