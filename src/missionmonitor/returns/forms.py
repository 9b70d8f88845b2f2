"""Return forms as versioned data (``returns/forms/*.yaml``), validated on load, and the
checks an answer set must pass: per question (type, range, code list, required) and across
questions (rules with an importance: an error blocks submission, a warning needs a comment).

For example::

    form = get_form("rehab_quarterly")            # the latest version
    findings = check_answers(form, {"placements_total": 12, ...})
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from missionmonitor import config
from missionmonitor.datasets.numbers import parse_number, parse_whole_number
from missionmonitor.errors import DefinitionError, NotFoundError, NumberFormatError
from missionmonitor.methods.disclosure import Disclosure
from missionmonitor.rules import expressions

QuestionType = Literal[
    "integer",
    "decimal",
    "percentage",
    "date",
    "single_choice",
    "multiple_choice",
    "text",
    "file",
    "records",
]
Importance = Literal["error", "warning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: QuestionType
    label: str
    help: str = ""
    unit: str = ""
    required: bool = True
    min: float | None = None
    max: float | None = None
    codes: str | None = None  # a code list of the form
    max_length: int = Field(default=2000, ge=1)
    #: National data that fills this question in before the ADP answers (a dataset measure).
    prefill: str | None = None
    #: What uses the answer: indicators, reports or assessments (empty: flagged for removal).
    used_by: tuple[str, ...] = ()


class Section(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    outcome: str | None = None  # the outcomes framework outcome it informs
    questions: tuple[Question, ...]


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    check: str
    importance: Importance
    message: str


class VersionMapping(_Strict):
    """How this version relates to the one before: which answers stay comparable."""

    previous: int
    comparable: tuple[str, ...] = ()
    renamed: dict[str, str] = Field(default_factory=dict)  # old id → new id
    note: str = ""


class Form(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: str
    description: str
    period_type: Literal["quarter", "financial_year"]
    effective_from: str
    #: Who answers: an ADP's staff (one return per ADP and period, through the workflow), or
    #: the public (anonymous responses, as many as people give; see accountability.feedback).
    answered_by: Literal["adp", "public"] = "adp"
    #: The disclosure rule for counts of answers published straight from responses (the
    #: shares of feedback beside a standard); indicators made from them declare their own.
    disclosure: Disclosure = Disclosure()
    #: A record-level return: the outcome instrument (``outcome_instruments/``) whose
    #: records its one ``records`` question holds, uploaded as a file of people's reviews.
    instrument: str | None = None
    code_lists: dict[str, dict[str, str]] = Field(default_factory=dict)
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...] = ()
    mapping: VersionMapping | None = None

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    @model_validator(mode="after")
    def _consistent(self) -> Form:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("question ids must be unique within a form")
        for q in self.questions:
            if q.type in ("single_choice", "multiple_choice") and q.codes not in self.code_lists:
                raise ValueError(f"{q.id}: choice questions need a code list of the form")
        records = [q.id for q in self.questions if q.type == "records"]
        if (self.instrument is not None) != bool(records) or len(records) > 1:
            raise ValueError("a record-level return has an instrument and one records question")
        for r in self.rules:
            try:
                unknown = expressions.names(expressions.parse(r.check)) - set(ids)
            except DefinitionError as exc:
                raise ValueError(str(exc)) from exc
            if unknown:
                raise ValueError(f"rule {r.id} names unknown questions: {sorted(unknown)}")
        return self


@config.cached
def load_forms(configuration: config.Configuration) -> dict[tuple[str, int], Form]:
    """Every version of every form, keyed by (id, version)."""
    folder = config.path(configuration, "returns", "forms")
    out = config.read_definitions(folder, Form, "return form", lambda _, f: (f.id, f.version))
    for (fid, version), form in out.items():
        m = form.mapping
        if m is not None:
            old = out.get((fid, m.previous))
            if old is None:
                raise DefinitionError(f"{fid} v{version} maps to missing version {m.previous}")
            old_ids = {q.id for q in old.questions}
            new_ids = {q.id for q in form.questions}
            bad = [c for c in m.comparable if c not in old_ids or c not in new_ids]
            bad += [
                f"{a}→{b}" for a, b in m.renamed.items() if a not in old_ids or b not in new_ids
            ]
            if bad:
                raise DefinitionError(f"{fid} v{version} mapping names unknown questions: {bad}")
    public = sorted({fid for (fid, _), f in out.items() if f.answered_by == "public"})
    if len(public) > 1:
        raise DefinitionError(f"{folder}: only one form may be answered by the public: {public}")
    return out


def get_form(configuration: config.Configuration, form_id: str, version: int | None = None) -> Form:
    """A form's given version, or its latest."""
    versions = {v: f for (i, v), f in load_forms(configuration).items() if i == form_id}
    if not versions:
        known = sorted({i for i, _ in load_forms(configuration)})
        raise NotFoundError(f"unknown form {form_id!r}; forms: {', '.join(known)}")
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        raise NotFoundError(f"{form_id} has no version {version} (has {sorted(versions)})")
    return versions[version]


def public_form(configuration: config.Configuration) -> Form:
    """The latest version of the form the public answers (``answered_by: public``, at
    ``/feedback``); NotFoundError when the configuration has none."""
    public = sorted(
        {i for (i, _), f in load_forms(configuration).items() if f.answered_by == "public"}
    )
    if not public:
        raise NotFoundError("this configuration has no form the public answers")
    return get_form(configuration, public[0])


def adp_form(configuration: config.Configuration, form_id: str, version: int | None = None) -> Form:
    """A form ADPs return (``get_form``); a form the public answers is not one."""
    form = get_form(configuration, form_id, version)
    if form.answered_by != "adp":
        raise NotFoundError(
            f"{form_id} is answered by the public (at /feedback), not returned by ADPs"
        )
    return form


@dataclass(frozen=True)
class Finding:
    question: str | None  # None for a rule across questions
    rule: str
    importance: Importance
    message: str


def _number(value: Any, whole: bool) -> tuple[float | None, str | None]:
    """A number from an answer by the one number rule (``datasets.numbers``), or why it
    is not one. A number the form already holds (an int or float kept in a draft) is
    written out and read by the same rule."""
    text = "" if isinstance(value, bool) else str(value)
    if isinstance(value, float) and value.is_integer() and whole:
        text = str(int(value))  # 12.0 kept for a count is the count 12
    try:
        return (parse_whole_number(text) if whole else parse_number(text)), None
    except NumberFormatError as exc:
        return None, str(exc)


def _typed(q: Question, value: Any, codes: dict[str, str]) -> tuple[Any, str | None]:
    """The answer as its type, or a message saying why it is not one."""
    if q.type in ("integer", "decimal", "percentage"):
        return _number(value, q.type == "integer")
    try:
        if q.type == "date":
            return dt.date.fromisoformat(str(value)), None
    except (TypeError, ValueError):
        return None, f"must be a {q.type.replace('_', ' ')}"
    if q.type == "single_choice" and str(value) not in codes:
        return None, f"{value!r} is not one of the codes: {', '.join(codes)}"
    if q.type == "multiple_choice":
        picked = value if isinstance(value, list) else [v for v in str(value).split(";") if v]
        wrong = [p for p in picked if p not in codes]
        return (picked, None) if not wrong else (None, f"unknown codes: {', '.join(wrong)}")
    if q.type == "records":
        return (value, None) if isinstance(value, list) else (None, "upload the records as a file")
    if q.type in ("text", "file") and len(str(value)) > q.max_length:
        return None, f"is longer than {q.max_length} characters"
    return value, None


def check_answers(form: Form, answers: dict[str, Any]) -> list[Finding]:
    """Every problem with ``answers`` (question id → value): errors and warnings."""
    findings: list[Finding] = []
    typed: dict[str, Any] = {}
    known = {q.id for q in form.questions}
    for extra in sorted(set(answers) - known):
        findings.append(
            Finding(
                extra,
                "known-question",
                "error",
                f"{extra!r} is not a question of {form.id} v{form.version}",
            )
        )
    for q in form.questions:
        value = answers.get(q.id)
        if value is None or value == "" or value == []:
            if q.required:
                findings.append(Finding(q.id, "required", "error", f"{q.label}: answer this"))
            continue
        v, problem = _typed(q, value, form.code_lists.get(q.codes or "", {}))
        if problem:
            findings.append(Finding(q.id, "type", "error", f"{q.label}: {problem}"))
            continue
        low = 0.0 if q.type == "percentage" and q.min is None else q.min
        high = 100.0 if q.type == "percentage" and q.max is None else q.max
        if isinstance(v, int | float) and low is not None and v < low:
            findings.append(
                Finding(q.id, "minimum", "error", f"{q.label}: must be at least {low:g}")
            )
        if isinstance(v, int | float) and high is not None and v > high:
            findings.append(
                Finding(q.id, "maximum", "error", f"{q.label}: must be at most {high:g}")
            )
        typed[q.id] = v
    for r in form.rules:
        try:
            ok = expressions.evaluate(r.check, typed)
        except expressions.Unanswered:
            continue  # the questions it needs are unanswered or wrong: reported above
        except (TypeError, ZeroDivisionError):
            ok = False
        if not ok:
            findings.append(Finding(None, r.id, r.importance, r.message))
    return findings
