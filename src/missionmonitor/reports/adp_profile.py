"""The ADP profile report: an ADP against Scotland, with its local treatment target and
balancing indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from missionmonitor.errors import NotFoundError
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import Area, reporting_type
from missionmonitor.reports.facts import Facts
from missionmonitor.reports.sections import (
    balancing_paragraphs,
    indicator_block,
    not_yet_available,
    report_frame,
    result_fact,
)
from missionmonitor.services.site_data import SiteData


def _local_target_section(data: SiteData, area: Area, facts: Facts) -> dict[str, Any] | None:
    """The area's local treatment target (derived, saying so, where the publisher's are not
    held) beside its balancing indicators, or why it is not available."""
    from missionmonitor.targets.definitions import load_targets
    from missionmonitor.targets.status import area_panel

    paragraphs = []
    for t in load_targets(data.configuration):
        panel = area_panel(data.configuration, t, data.results, area.code, area.type)
        if panel is None or t.apportionment is None:
            continue
        if panel["local"] is None:
            # No local figures: say so, and still give the balancing indicators held.
            paragraphs.append(f"{t.title}: {panel['local_note']}")
            paragraphs += balancing_paragraphs(
                data, panel["balancing"], panel["balancing_note"], area.code, facts
            )
            continue
        local, ind_id = panel["local"], str(t.apportionment.local_indicator)
        base = result_fact(data, ind_id, area.code, local["baseline_period"])
        target = facts.note(
            ind_id,
            area.code,
            local["baseline_period"],
            "target",
            local["target"],
            f"{local['target']:,}",
        )
        shown = facts.show(base, "value", 0)
        text = (
            f"{t.title}: {area.name}'s baseline is {shown} people in {base['period']} "
            f"and its local target {target} people. {panel['rule']}"
        )
        if local["latest"]:
            latest = result_fact(data, ind_id, area.code, local["latest"]["period"])
            text += (
                f" The latest figure, {facts.show(latest, 'value', 0)} in "
                f"{latest['period']}, is {local['progress']['status']}: "
                f"{local['progress']['rule']}"
            )
        if local["status"] == "SYNTHETIC":
            text += " (SYNTHETIC data.)"
        if panel["local_note"]:
            text += f" {panel['local_note']}"
        paragraphs.append(text)
        paragraphs += balancing_paragraphs(
            data, panel["balancing"], panel["balancing_note"], area.code, facts
        )
    if not paragraphs:
        return None
    return {"id": "target", "title": "Treatment target", "blocks": [], "paragraphs": paragraphs}


def adp(data: SiteData, code: str, period: str | None = None) -> dict[str, Any]:
    """An ADP profile: its indicators against Scotland, its councils, its board."""
    area = data.geo.area(data.geo.resolve(code))
    if area.type != reporting_type(data.configuration):
        raise NotFoundError(
            f"{code} is not an ADP code (S11…); see `missionmonitor areas list --type adp`"
        )
    end = parse_period(period).end if period else dt.date.max
    label = period or "the latest period"
    facts = Facts()
    own = [
        b
        for i in data.catalogue.values()
        if (b := indicator_block(data, i, area.code, end, label, facts))
    ]
    councils = data.geo.councils_in(area.code)
    parts = []
    for c in councils:
        items = [
            b
            for i in data.catalogue.values()
            if (b := indicator_block(data, i, c, end, label, facts))
        ]
        parts.append(
            {
                "id": f"council-{c}",
                "title": f"Council area: {data.geo.area(c).name}",
                "blocks": items,
            }
        )
    board = (
        data.geo.parent(area.code, "health_board")
        if any(p.type == "health_board" for p in data.geo.parents(area.code))
        else None
    )
    sections: list[dict[str, Any]] = [
        {
            "id": "adp",
            "title": f"{area.name} ADP",
            "blocks": own,
            "paragraphs": [
                f"{area.name} ADP covers "
                + ", ".join(data.geo.area(c).name for c in councils)
                + "."
            ],
        }
    ]
    local = _local_target_section(data, area, facts)
    if local is not None:
        sections.append(local)
    sections += parts
    if board is not None:
        items = [
            b
            for i in data.catalogue.values()
            if (b := indicator_block(data, i, board.code, end, label, facts))
        ]
        sections.append({"id": "board", "title": f"Health board: {board.name}", "blocks": items})
    blocks = [b for s in sections for b in s["blocks"]]
    not_yet = not_yet_available(data, local_targets=local is not None)
    subtitle = f"Alcohol and Drug Partnership {area.code}, {label}. Generated from the data held."
    title = f"{area.name}: ADP profile"
    return report_frame(title, subtitle, sections, blocks, data, facts, not_yet)
