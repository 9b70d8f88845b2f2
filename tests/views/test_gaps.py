"""A partial table says what it lacks: by declared area type, the periods of the series with
no figure for the type, the areas never held, and the areas missing from some periods; on
the indicator page, in its JSON and in every row of its CSV."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from missionmonitor.indicators.catalogue import get_indicator
from missionmonitor.store.connection import Store
from missionmonitor.views.gaps import gaps, periods_text
from tests.helpers import scotland

WAITS = "waits_ongoing_3w_pct"


def _frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["area_code", "area_type", "period"])
    return out.assign(period_start=pd.to_datetime(out["period"].str[:4] + "-01-01"))


def test_periods_are_said_as_runs_of_the_series():
    order = ["2020", "2021", "2022", "2023", "2024"]
    assert periods_text(["2024", "2020", "2021"], order) == "2020 to 2021, 2024"
    assert periods_text(["2022"], order) == "2022"


def test_each_area_types_gaps_are_said_and_a_complete_type_says_nothing(geo):
    ind = get_indicator(scotland(), WAITS)  # declared for Scotland, boards and ADPs
    boards = [a.code for a in geo.of_type("health_board")]
    adps = geo.of_type("adp")
    rows = [("S92000003", "scotland", p) for p in ("2021", "2022", "2023")]
    rows += [(b, "health_board", "2023") for b in boards]
    rows += [(a.code, "adp", p) for a in adps[2:] for p in ("2021", "2022", "2023")]
    rows += [(adps[1].code, "adp", "2021")]
    found = {g["area_type"]: g["statement"] for g in gaps(ind, _frame(rows), geo)}
    assert "scotland" not in found
    assert found["health_board"].endswith("held 2023 only (none for 2021 to 2022)")
    assert f"none held for {adps[0].name}" in found["adp"]
    assert f"{adps[1].name} missing 2022 to 2023" in found["adp"]


@pytest.fixture(scope="module")
def board_periods(built_store_path) -> tuple[list[str], list[str]]:
    """The periods of the waits series, and those with a board figure, from the store."""
    with Store.open(built_store_path, scotland(), read_only=True) as store:
        rows = store.con.execute(
            "SELECT DISTINCT period, period_start, area_type = 'health_board' FROM "
            "indicator_results WHERE indicator_id = ? ORDER BY period_start",
            [WAITS],
        ).fetchall()
    every = list(dict.fromkeys(r[0] for r in rows))
    return every, list(dict.fromkeys(r[0] for r in rows if r[2]))


def test_the_waits_page_json_and_csv_say_boards_are_held_for_some_quarters(client, board_periods):
    every, boards = board_periods
    assert 0 < len(boards) < len(every)  # the shipped table is partial for boards
    said = f"held {periods_text(boards, every)} only"
    page = client.get(f"/indicators/{WAITS}")
    assert page.status_code == 200 and said in page.text
    body = json.loads(client.get(f"/indicators/{WAITS}/data.json").content)
    (statement,) = [g["statement"] for g in body["gaps"] if g["area_type"] == "health_board"]
    assert said in statement
    table = pd.read_csv(io.BytesIO(client.get(f"/indicators/{WAITS}/data.csv").content))
    board_rows = table[table["area_type"] == "health_board"]
    assert len(board_rows) and set(board_rows["gaps"]) == {statement}
    assert table.loc[table["area_type"] == "scotland", "gaps"].isna().all()  # complete
