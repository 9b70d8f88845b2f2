"""The declared evaluation (``evaluation.yaml``), validated on load: the questions the
programme's national evaluation asks, each quoted with its source and the indicators and
outcomes that bear on it; the published findings on each outcome; the statement on
contribution and attribution; the programme's launch; and the comparator series the trend
in deaths is read beside. A configuration without the file has no evaluation page.

>>> evaluation = load_evaluation(config.load(None))
>>> evaluation.launch.date.year, [c.id for c in evaluation.comparators]
(2021, ['ew_drug_misuse', 'ew_drug_poisoning'])
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from missionmonitor import config
from missionmonitor.datasets.declaration import load_declarations
from missionmonitor.indicators.catalogue import load_catalogue, load_outcomes

#: The file, in the configuration folder.
FILE = "evaluation.yaml"
_ID = r"^[a-z0-9][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(info: ValidationInfo, kind: str, ids: tuple[str, ...]) -> tuple[str, ...]:
    """``ids``, refused where the configuration defines no such ``kind`` (in context)."""
    known = (info.context or {}).get(kind)
    unknown = [i for i in ids if known is not None and i not in known]
    if unknown:
        raise ValueError(f"no such {kind[:-1]} in this configuration: {', '.join(unknown)}")
    return ids


class Citation(_Strict):
    """Where a quoted text or a figure was published."""

    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    edition: str = Field(min_length=1)


class Quoted(_Strict):
    """Words quoted from a publication, with where they were published."""

    quote: str = Field(min_length=1)
    source: Citation


class Launch(Quoted):
    """When the programme was launched, with the words that say so."""

    date: dt.date

    @field_validator("date")
    @classmethod
    def _the_configured_year(cls, date: dt.date, info: ValidationInfo) -> dt.date:
        year = (info.context or {}).get("launch_year")
        if year is not None and date.year != year:
            raise ValueError(
                f"the launch is in {date.year} but surveillance.launch_year in "
                f"configuration.yaml is {year}"
            )
        return date


class Question(_Strict):
    """A question the national evaluation asks, in its own words."""

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1)
    source: Citation
    indicators: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    #: Notes on the evidence that bears on the question (quoted or described, with where).
    evidence: tuple[str, ...] = ()

    @field_validator("indicators")
    @classmethod
    def _indicators_exist(cls, ids: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _known(info, "indicators", ids)

    @field_validator("outcomes")
    @classmethod
    def _outcomes_exist(cls, ids: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _known(info, "outcomes", ids)


class Finding(_Strict):
    """What a published report found on one outcome (None: on the programme's aim as a
    whole), quoted."""

    outcome: str | None = None
    quotes: tuple[str, ...] = Field(min_length=1)
    source: Citation
    #: The indicators held here that measure what the finding speaks of.
    indicators: tuple[str, ...] = ()

    @field_validator("outcome")
    @classmethod
    def _outcome_exists(cls, outcome: str | None, info: ValidationInfo) -> str | None:
        return None if outcome is None else _known(info, "outcomes", (outcome,))[0]

    @field_validator("indicators")
    @classmethod
    def _indicators_exist(cls, ids: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _known(info, "indicators", ids)


class Comparator(_Strict):
    """A published series from elsewhere, read beside the programme's deaths: a measure of
    a shipped dataset published straight from its rows (so with a declared disclosure
    rule), and how it differs from the programme's own series."""

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    dataset: str
    measure: str
    #: What differs between this series and the programme's (definition, unit, years).
    differences: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _a_published_measure(self, info: ValidationInfo) -> Comparator:
        datasets: dict[str, Any] | None = (info.context or {}).get("datasets")
        if datasets is None:
            return self
        if self.dataset not in datasets:
            raise ValueError(f"no dataset {self.dataset!r} in this configuration")
        if self.measure not in datasets[self.dataset].disclosure:
            raise ValueError(
                f"dataset {self.dataset} declares no disclosure rule for {self.measure!r} "
                "(a measure published straight from its rows needs one)"
            )
        return self


class Evaluation(_Strict):
    programme: str = Field(min_length=1)
    #: Who carries out the national evaluation, in a publication's words.
    evaluator: Quoted | None = None
    launch: Launch
    #: How the trends are to be read: what they can show of the programme's contribution.
    contribution: Quoted
    questions: tuple[Question, ...] = ()
    #: Why no question is listed (required when ``questions`` is empty).
    questions_note: str | None = None
    findings: tuple[Finding, ...] = ()
    comparators: tuple[Comparator, ...] = ()
    #: What comparator series were looked for and not found.
    comparators_note: str | None = None

    @model_validator(mode="after")
    def _questions_or_why_not(self) -> Evaluation:
        if not self.questions and not self.questions_note:
            raise ValueError("no questions are listed and questions_note does not say why")
        return self


def has_evaluation(configuration: config.Configuration) -> bool:
    """Whether ``configuration`` declares an evaluation (an ``evaluation.yaml``)."""
    return config.path(configuration, FILE).is_file()


@config.cached
def load_evaluation(configuration: config.Configuration) -> Evaluation | None:
    """``configuration``'s evaluation, checked against its indicators, outcomes, datasets
    and launch year; None when it declares none."""
    path = config.path(configuration, FILE)
    if not path.is_file():
        return None
    context = {
        "indicators": set(load_catalogue(configuration)),
        "outcomes": set(load_outcomes(configuration)),
        "datasets": load_declarations(configuration),
        "launch_year": config.surveillance(configuration).launch_year,
    }
    found = config.read_definition(path, Evaluation, "evaluation", context=context)
    config.unique(found.questions, lambda q: q.id, path, "question")
    config.unique(found.comparators, lambda c: c.id, path, "comparator")
    return found
