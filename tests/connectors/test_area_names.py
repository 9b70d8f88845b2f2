"""Area names as publishers write them are matched within one area type."""

from __future__ import annotations

from missionmonitor.connectors.area_names import AreaNames, name_key


def test_names_match_however_the_publisher_spaces_and_prefixes_them():
    assert name_key(" NHS  Greater Glasgow & Clyde ") == name_key("Greater Glasgow and Clyde")
    assert name_key("Orkney [note 4]") == name_key("orkney")


def test_a_name_is_looked_up_within_its_area_type(geo):
    boards, councils = AreaNames(geo, "health_board"), AreaNames(geo, "council")
    fife_board, fife_council = boards.code("Fife"), councils.code("Fife ")
    assert fife_board and fife_council and fife_board != fife_council
    assert geo.area(fife_board).type == "health_board"
    assert geo.area(fife_council).type == "council"
    assert boards.code("Scotland") == councils.code("Scotland")
    assert boards.code("Orkney Islands") is None and councils.code("Orkney Islands")


def test_an_alias_names_an_area_the_geography_calls_otherwise(geo):
    code = AreaNames(geo, "council").code("City of Edinburgh")
    assert code is not None
    names = AreaNames(geo, "council", {"Edinburgh, City of": code})
    assert names.code("Edinburgh, City of") == code
