"""A publisher's area by code or by name, through the geography: previous codes resolved,
PHS's 31 ADP names matched to the 30 codes where they cover the same councils, and held
apart where they do not."""

from __future__ import annotations

from missionmonitor.connectors.areas import by_code, by_name


def test_a_previous_code_is_read_as_its_successor(geo):
    found = by_code(geo, "S12000046")  # Glasgow City before 2019
    assert found is not None and found.code == "S12000049" and "S12000046" in found.note
    assert by_code(geo, "S12000049").note == ""  # type: ignore[union-attr]
    assert by_code(geo, "S12999999") is None


def test_a_name_is_matched_whatever_its_case_spacing_or_ampersand(geo):
    found = by_name(geo, "health_board", "NHS Greater Glasgow & Clyde")
    assert found is not None and found.code == "S08000031"
    assert by_name(geo, "health_board", "  nhs  greater glasgow AND clyde ") == found


def test_phs_adp_names_match_the_adp_covering_the_same_councils(geo):
    lothian = by_name(geo, "adp", "Mid and East Lothian ADP")
    assert lothian is not None and lothian.code == "S11000051"
    assert set(geo.councils_in("S11000051")) == set(
        geo.other_names["adp"]["Mid and East Lothian ADP"]
    )
    assert by_name(geo, "adp", "City of Glasgow ADP").code == "S11000015"  # type: ignore[union-attr]


def test_an_adp_that_is_part_of_one_code_has_none_and_says_where_it_lies(geo):
    north = by_name(geo, "adp", "North Lanarkshire ADP")
    south = by_name(geo, "adp", "South Lanarkshire ADP")
    assert north is not None and south is not None
    assert north.code is None and south.code is None
    assert "S11000052" in north.note and "never added" in north.note
    # The two names together cover what the one code covers: held both ways, never merged.
    both = (
        geo.other_names["adp"]["North Lanarkshire ADP"]
        | geo.other_names["adp"]["South Lanarkshire ADP"]
    )
    assert both == set(geo.councils_in("S11000052"))
    assert by_name(geo, "adp", "East Lothian ADP") is None  # an archived name: not known
