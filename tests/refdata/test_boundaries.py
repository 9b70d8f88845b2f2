"""Map outlines: projected from the base areas' boundaries, higher areas dissolved from them
through the geography's memberships, and bad boundary files refused with their reason."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.refdata.boundaries import area_outlines, has_boundaries
from missionmonitor.refdata.geography import Geography, area_types, national_type
from tests.helpers import scotland

SMALL = Path(__file__).parents[1] / "configurations" / "small"


def _rings(path: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, p.split(","))) for p in sub.split()]  # type: ignore[misc]
        for sub in re.findall(r"M([^Z]*)Z", path)
    ]


def _area(path: str) -> float:
    """Area enclosed by a path's rings (shoelace; rings here have no holes)."""
    total = 0.0
    for ring in _rings(path):
        pairs = zip(ring, ring[1:] + ring[:1], strict=True)
        total += abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2
    return total


def _square(code: str, west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


@pytest.fixture
def two_regions(tmp_path: Path) -> Path:
    """The small configuration with a boundary file of two squares, one above the other."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    features = [_square("X12000001", 0, 1, 2, 2), _square("X12000002", 0, 0, 2, 1)]
    (folder / "data" / "regions.geojson").write_text(json.dumps({"features": features}))
    with (folder / "geography.yaml").open("a") as f:
        f.write("boundaries: {file: regions.geojson, code_property: code, source: Made up}\n")
    return folder


def test_base_areas_are_projected_onto_a_common_drawing(two_regions, serve):
    outlines = area_outlines(serve(two_regions), "council")
    # 2 degrees of longitude at latitude 1 are 400 units wide, so a degree of latitude is
    # 400 / (2 cos 1°) = 200.03 units: the drawing is 401 high.
    assert outlines.view_box == "0 0 400 401"
    north = sorted(_rings(outlines.paths["X12000001"])[0])
    assert north == [(0.0, 0.0), (0.0, 200.0), (400.0, 0.0), (400.0, 200.0)]
    assert outlines.source == "Made up"


def test_a_higher_area_is_dissolved_from_its_members(two_regions, serve):
    configuration = serve(two_regions)
    (whole,) = area_outlines(configuration, national_type(configuration)).paths.values()
    # One ring with no inner border: the shared edge is gone and its ends simplified away.
    assert sorted(_rings(whole)[0]) == [(0.0, 0.0), (0.0, 400.1), (400.0, 0.0), (400.0, 400.1)]


def test_a_boundary_file_with_an_unknown_or_missing_area_is_refused(two_regions, serve):
    regions = two_regions / "data" / "regions.geojson"
    features = [_square("X12000001", 0, 1, 2, 2), _square("X12000009", 0, 0, 2, 1)]
    regions.write_text(json.dumps({"features": features}))
    configuration = serve(two_regions)
    with pytest.raises(DefinitionError, match=r"regions.geojson: unknown council code.*X12000009"):
        area_outlines(configuration, "council")
    regions.write_text(json.dumps({"features": features[:1]}))
    configuration = serve(two_regions)
    with pytest.raises(DefinitionError, match=r"no outline for council.*X12000002.*South Region"):
        area_outlines(configuration, "council")
    regions.write_text("{not json")
    configuration = serve(two_regions)
    with pytest.raises(
        DefinitionError, match=r"regions\.geojson: invalid boundary file: not valid"
    ):
        area_outlines(configuration, "council")


def test_boundaries_need_a_file(two_regions, serve):
    text = (two_regions / "geography.yaml").read_text()
    (two_regions / "geography.yaml").write_text(text.replace("file: regions.geojson, ", ""))
    configuration = serve(two_regions)
    with pytest.raises(
        DefinitionError, match=r"geography\.yaml: .*boundaries\.file: Field required"
    ):
        has_boundaries(configuration)


def test_a_configuration_without_boundaries_draws_no_map(serve):
    configuration = serve(SMALL)
    assert not has_boundaries(configuration)
    with pytest.raises(DefinitionError, match="no boundaries are configured"):
        area_outlines(configuration, "council")


def test_every_scottish_area_of_every_type_has_an_outline():
    geo = Geography.of(config.load(None))
    for area_type in area_types(scotland()):
        current = {a.code for a in geo.of_type(area_type)}
        assert set(area_outlines(scotland(), area_type).paths) == current, area_type


def test_dissolved_areas_keep_the_area_of_their_councils():
    councils = area_outlines(scotland(), "council").paths
    boards = area_outlines(scotland(), "health_board").paths
    # NHS Lanarkshire is North and South Lanarkshire; NHS Lothian four councils.
    for board, members in (
        ("S08000032", ["S12000050", "S12000029"]),
        ("S08000024", ["S12000019", "S12000010", "S12000036", "S12000040"]),
    ):
        parts = sum(_area(councils[c]) for c in members)
        assert _area(boards[board]) == pytest.approx(parts, rel=0.02)
