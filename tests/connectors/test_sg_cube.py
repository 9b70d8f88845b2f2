"""statistics.gov.scot cubes read by the ``sg_cube`` connector, from the cube's CSV download
and from the CSV answer to the SPARQL query it writes.

The CSVs below are in statistics.gov.scot's layouts (the whole-cube download's header
``FeatureCode, DateCode, Measurement, Units, Value`` and dimension labels; the SPARQL
answer's URIs for areas, periods and measure types). No real observation rows of a
drug-related cube were found to copy, so the rows carry real published figures that the
population cubes also hold: National Records of Scotland mid-2022 population estimates, all
ages, as transcribed from the NRS workbook (Scotland 5,447,700; Aberdeen City 224,190;
Glasgow City 622,820; NHS Greater Glasgow and Clyde 1,179,910). The one row copied from a
real download (a school leavers' cube, quoted in public code) has neither an area nor a
period of this product, and is refused as such.
"""

from __future__ import annotations

import pytest

from missionmonitor import config
from missionmonitor.connectors import sg_cube
from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError
from missionmonitor.refdata.geography import Geography

CUBE = "http://statistics.gov.scot/data/population-estimates-current-geographic-boundaries"
AREA = "http://statistics.gov.scot/id/statistical-geography/"
YEAR = "http://reference.data.gov.uk/id/year/"
COUNT = "http://statistics.gov.scot/def/measure-properties/count"
SEX = "http://statistics.gov.scot/def/concept/sex/"

DOWNLOAD = b"""FeatureCode,DateCode,Measurement,Units,Value,Age,Sex
S92000003,2022,Count,People,5447700,All,All
S12000033,2022,Count,People,224190,All,All
S12000049,2022,Count,People,622820,All,All
S08000031,2022,Count,People,1179910,All,All
"""

ANSWER = f"""area,period,measure,value,dim_sex
{AREA}S92000003,{YEAR}2022,{COUNT},5447700,{SEX}all
{AREA}S12000033,{YEAR}2022,{COUNT},224190,{SEX}all
{AREA}S12000049,{YEAR}2022,{COUNT},622820,{SEX}all
{AREA}S08000031,{YEAR}2022,{COUNT},1179910,{SEX}all
""".encode()

#: A real header and row of a statistics.gov.scot download (school leavers' cube).
SCHOOL_LEAVERS = b"""FeatureCode,DateCode,Measurement,Units,Value,School Comparator,Number Of Awards,SCQF Level,Courses,DataMarker
5102138,Academic year 2016-17,Percent,Percent Of Leaver Cohort,96,Virtual Comparator,1 And Above,4 And Above,All Courses,
"""  # noqa: E501

EXPECTED = {
    "S92000003": ("scotland", 5447700),
    "S12000033": ("council", 224190),
    "S12000049": ("council", 622820),
    "S08000031": ("health_board", 1179910),
}


@pytest.fixture(scope="module")
def geography() -> Geography:
    return Geography.of(config.load(None))


def _source(**options: object) -> Source:
    return Source.model_validate(
        {
            "platform": "sg_cube",
            "cadence": "annual",
            "resource": CUBE,
            "columns": {
                "area_code": "area_code",
                "area_type": "area_type",
                "period": "period",
                "measure": "measure",
                "value": "value",
                "status": "status",
                "sex": "sex",
            },
            "qualifiers": {"DataMarker": {"*": "suppressed"}},
            "options": {
                "measures": ["count"],
                "fixed": {"age": "age/all"},
                "breakdowns": {"sex": "Sex"},
                "area_types": ["S92", "S12", "S08"],
                "constants": {"source": "NRS_MYE_2022"},
                **options,
            },
        }
    )


@pytest.mark.parametrize("content", [DOWNLOAD, ANSWER], ids=["download", "sparql-answer"])
def test_both_layouts_give_codes_periods_measures_and_values(geography, content):
    rows = sg_cube.read(content, _source(), geography, "cube.csv")
    assert list(rows.columns) == [
        "area_code",
        "area_type",
        "period",
        "measure",
        "value",
        "status",
        "sex",
        "source",
    ]
    got = {r.area_code: (r.area_type, r.value) for r in rows.itertuples()}
    assert got == EXPECTED
    assert set(rows.period) == {"2022"} and set(rows.measure) == {"count"}
    assert set(rows.status) == {""} and set(rows.source) == {"NRS_MYE_2022"}
    assert set(rows.sex.str.lower()) == {"all"}


def test_the_query_asks_for_the_cube_and_what_the_options_hold():
    text = sg_cube.query(_source())
    assert f"qb:dataSet <{CUBE}>" in text
    assert "SELECT ?area ?period ?measure ?value ?dim_sex WHERE {" in text
    assert (
        "?obs <http://statistics.gov.scot/def/dimension/age> "
        "<http://statistics.gov.scot/def/concept/age/all> ." in text
    )
    assert "?obs <http://statistics.gov.scot/def/dimension/sex> ?dim_sex ." in text
    assert f"FILTER (?measure IN (<{COUNT}>))" in text
    assert (
        "FILTER (?entity IN (<http://statistics.gov.scot/id/statistical-entity/S92>, "
        "<http://statistics.gov.scot/id/statistical-entity/S12>, "
        "<http://statistics.gov.scot/id/statistical-entity/S08>))" in text
    )
    assert text.count("{") == text.count("}") == 1
    # The answer's header is the query's variables, in the order read() expects.
    header = ANSWER.split(b"\n", 1)[0].decode().split(",")
    select = next(line for line in text.splitlines() if line.startswith("SELECT"))
    assert select == "SELECT " + " ".join(f"?{h}" for h in header) + " WHERE {"


def test_a_query_without_options_asks_for_every_observation():
    text = sg_cube.query(_source(measures=[], fixed={}, breakdowns={}, area_types=[]))
    assert "FILTER" not in text and "dimension/" not in text
    assert "SELECT ?area ?period ?measure ?value WHERE {" in text


def test_area_types_and_measures_not_asked_for_are_left_out(geography):
    rows = sg_cube.read(DOWNLOAD, _source(area_types=["S12"]), geography, "cube.csv")
    assert set(rows.area_code) == {"S12000033", "S12000049"}
    assert sg_cube.read(DOWNLOAD, _source(measures=["ratio"]), geography, "cube.csv").empty


def test_a_marked_value_is_blank_with_its_status_never_zero(geography):
    marked = b"""FeatureCode,DateCode,Measurement,Units,Value,Age,Sex,DataMarker
S12000033,2022,Count,People,,All,All,*
S12000049,2022,Count,People,622820,All,All,
"""
    rows = sg_cube.read(marked, _source(), geography, "cube.csv").set_index("area_code")
    assert (rows.loc["S12000033", "value"], rows.loc["S12000033", "status"]) == ("", "suppressed")
    assert rows.loc["S12000049", "value"] == 622820


@pytest.mark.parametrize(
    ("label", "period"),
    [
        # DateCode labels: the drug-related discharge cube's first and last years, and
        # those of the homelessness and other cubes.
        ("1996/1997", "1996/97"),
        ("2017/2018", "2017/18"),
        ("2017", "2017"),
        ("2020-2021", "2020/21"),
        ("2021 Q1", "2021-Q1"),
    ],
)
def test_date_codes_become_the_products_periods(label, period):
    assert sg_cube._period_label(label) == period


@pytest.mark.parametrize(
    ("uri", "period"),
    [
        ("http://reference.data.gov.uk/id/year/2021", "2021"),
        ("http://reference.data.gov.uk/id/government-year/2017-2018", "2017/18"),
        ("http://reference.data.gov.uk/id/quarter/2021-Q1", "2021-Q1"),
        ("http://reference.data.gov.uk/id/month/2021-05", "2021-05"),
    ],
)
def test_reference_period_uris_become_the_products_periods(uri, period):
    assert sg_cube._period_uri(uri) == period


@pytest.mark.parametrize(
    ("content", "where", "rule"),
    [
        (b"", "cube.csv", "empty"),
        (b"\xff\xfearea", "cube.csv", "not a readable CSV"),
        (DOWNLOAD.replace(b"Value,", b"Amount,"), "cube.csv, row 1", "no column 'Value'"),
        (DOWNLOAD.replace(b",Sex\n", b",Gender\n"), "cube.csv, row 1", "no column 'Sex'"),
        (DOWNLOAD.rsplit(b",All", 1)[0], "cube.csv, row 5", "6 cells under 7 headers"),
        (DOWNLOAD.replace(b"224190", b"many"), "row 3, column Value", "neither a number"),
        (
            DOWNLOAD.replace(b"S12000033", b"S12999999"),
            "row 3, column FeatureCode",
            "not an area of this configuration",
        ),
        (
            ANSWER.replace(b"id/year/2022,", b"id/week/2022-W01,", 1),
            "row 2, column period",
            "not a reference period",
        ),
        (
            ANSWER.replace(b"statistical-geography/", b"statistical-geo/", 1),
            "row 2, column area",
            "not a URI under",
        ),
        (ANSWER.replace(b",dim_sex", b",sex"), "cube.csv, row 1", "no column 'dim_sex'"),
        (SCHOOL_LEAVERS, "cube.csv, row 2, column DateCode", "not a period this product reads"),
    ],
)
def test_a_layout_change_names_the_row_and_column(geography, content, where, rule):
    source = _source()
    if content is SCHOOL_LEAVERS:  # a cube without this source's breakdowns and filters
        source = _source(breakdowns={}, measures=[], area_types=[]).model_copy(
            update={"columns": {"area_code": "area_code"}}
        )
    with pytest.raises(LayoutError) as caught:
        sg_cube.read(content, source, geography, "cube.csv")
    assert where in caught.value.where and rule in caught.value.rule


def test_the_resource_must_be_a_statistics_gov_scot_dataset():
    for resource in (None, "https://statistics.gov.scot/data/x", "http://example.org/data/x"):
        source = _source().model_copy(update={"resource": resource})
        with pytest.raises(DefinitionError, match=r"statistics\.gov\.scot dataset URI"):
            sg_cube.query(source)


@pytest.mark.parametrize(
    "options",
    [
        {"measures": ["count; DROP"]},
        {"fixed": {"age": "age/all> . ?x ?y ?z"}},
        {"area_types": ["council"]},
        {"colour": "red"},
    ],
)
def test_options_are_checked_before_any_query_is_written(options):
    with pytest.raises(DefinitionError, match="sg_cube source options"):
        sg_cube.query(_source(**options))
