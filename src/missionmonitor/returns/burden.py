"""Data burden: how many items each form asks of each ADP a year, and what uses each item.
Items nothing uses are flagged for removal.

For example::

    rows = burden()  # one row per form (latest version)
"""

from __future__ import annotations

from typing import Any

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.returns.forms import Form, get_form, load_forms

#: Outputs that can use an answer besides indicators (which are named by their id).
OUTPUTS = {
    "annual_report": "Annual monitoring report",
    "adp_report": "ADP profile report",
    "mat_report": "MAT benchmarking report",
    "mat_benchmarking": "MAT standards assessment",
}
RETURNS_PER_YEAR = {"quarter": 4, "financial_year": 1}


def check_uses(configuration: config.Configuration) -> None:
    """Every ``used_by`` names a catalogue indicator or a known output."""
    from missionmonitor.indicators.catalogue import load_catalogue

    known = set(load_catalogue(configuration)) | set(OUTPUTS)
    for (fid, version), form in load_forms(configuration).items():
        for q in form.questions:
            unknown = [u for u in q.used_by if u not in known]
            if unknown:
                raise DefinitionError(f"{fid} v{version} {q.id}: unknown uses {unknown}")


def form_burden(form: Form) -> dict[str, Any]:
    """One form's items, what uses each, and what it asks of each ADP a year (nothing for a
    form the public answers: its burden falls on each respondent, ``items_per_response``)."""
    per_year = RETURNS_PER_YEAR[form.period_type] if form.answered_by == "adp" else 0
    items = [
        {
            "question": q.id,
            "label": q.label,
            "section": s.title,
            "used_by": list(q.used_by),
            "unused": not q.used_by,
            "prefilled": q.prefill is not None,
        }
        for s in form.sections
        for q in s.questions
    ]
    asked = [i for i in items if not i["prefilled"]]
    return {
        "form": form.id,
        "version": form.version,
        "title": form.title,
        "returns_per_year": per_year,
        "answered_by": form.answered_by,
        "questions": len(items),
        "items_per_response": len(asked),
        "items_per_adp_per_year": len(asked) * per_year,
        "unused": [i["question"] for i in items if i["unused"]],
        "items": items,
    }


def burden(configuration: config.Configuration) -> list[dict[str, Any]]:
    """The latest version of every form, with its burden."""
    check_uses(configuration)
    ids = sorted({fid for fid, _ in load_forms(configuration)})
    return [form_burden(get_form(configuration, fid)) for fid in ids]
