"""What each page and report section shows, as listed in ``configuration.yaml``.

A page names no indicator in code: the configuration lists, for each section, the ids of
the indicators it shows (validated on load with the rest of ``configuration.yaml``, see
``missionmonitor.config``). A configuration without a section still serves the page, which
says that the section is not configured.

Nor does a page name a country or a publisher: where a page describes who publishes what,
the sentence is the configuration's (a section's notes, or ``wording``), and without one
the page says it generically.

>>> Surveillance().case_review
()
>>> Accountability(beds="beds").beds
'beds'
>>> Wording().conventions
()
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Accountability(_Strict):
    """The accountability page and the annual report's funding section."""

    #: ADP funding and spend, one column each.
    funding: tuple[str, ...] = ()
    #: Shares of spend by priority, nationally.
    priorities: tuple[str, ...] = ()
    #: Outcome indicators set beside spend, in order of preference (the first three with
    #: figures for the reporting areas are shown).
    context: tuple[str, ...] = ()
    #: Capacity and placements, then what happens after placements.
    capacity: tuple[str, ...] = ()
    after_placements: tuple[str, ...] = ()
    #: The indicator of beds held, and the declared target (targets.yaml) it is set against.
    beds: str | None = None
    beds_target: str | None = None
    #: Where the page's figures come from, as a sentence (None: said generically).
    sources: str | None = None


class Surveillance(_Strict):
    """The surveillance page and the case-review summary."""

    #: Confirmed deaths by year of registration, and the provisional (suspected) deaths.
    deaths: str | None = None
    suspected_deaths: str | None = None
    #: The year the programme was launched: the interruption of the deaths' segmented
    #: regression (None: no trend around a launch is fitted).
    launch_year: int | None = None
    #: Deaths in the most deprived areas over those in the least deprived.
    deprivation_ratio: str | None = None
    #: Published prevalence series, each its own method (never joined into one series).
    prevalence: tuple[str, ...] = ()
    #: Coverage: people treated over a prevalence estimate, and the publisher's own coverage.
    treated: str | None = None
    coverage_of: str | None = None
    published_coverage: str | None = None
    #: Case-review indicators, completeness first.
    case_review: tuple[str, ...] = ()
    #: The share of deaths each drug group was implicated in, by the case review's group name.
    drugs_implicated: dict[str, str] = {}
    #: Who publishes the confirmed and the suspected deaths (short names, for captions), and
    #: how each counts them, as a paragraph (None: said generically).
    confirmed_by: str | None = None
    suspected_by: str | None = None
    deaths_note: str | None = None
    #: The published prevalence series and their methods, as a phrase for the methodology
    #: page ("the publisher's multi-parameter estimates of ...").
    prevalence_note: str | None = None


class AnnualReport(_Strict):
    """The annual report: the indicators whose sentences open it, and the indicator whose
    years with figures are the years a report is offered for."""

    summary: tuple[str, ...] = ()
    years_from: str | None = None


class MatReport(_Strict):
    """The standards benchmarking report: the indicator of standards implemented."""

    indicator: str


class Wording(_Strict):
    """Sentences about the configuration's publishers and people for pages whose own
    wording is generic: each is added to, or replaces, the package's general sentence."""

    #: Who the sign-in page is for (None: the package's general sentence).
    sign_in: str | None = None
    #: Added to the methodology page's conventions and disclosure control: whose
    #: conventions the general rules follow.
    conventions: tuple[str, ...] = ()
    disclosure: tuple[str, ...] = ()


class Profiles(_Strict):
    """What an area profile says of the indicators not published for its area: one
    sentence each, with fields in braces (``{area}``, the area's name; ``{types}``, the
    area types the indicator is published for; ``{names}``, the areas the publisher names
    instead; ``{publisher}``)."""

    #: The indicator is published for other types of area only.
    other_types: str
    #: The indicator is published for this type of area, but no figure is held for this one.
    not_this_area: str
    #: The publisher names parts of this area that the geography does not hold.
    unmatched: str
