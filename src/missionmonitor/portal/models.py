"""Tables of the application database (SQLAlchemy 2; created by the Alembic migrations)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(40))
    area_code: Mapped[str | None] = mapped_column(String(9), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    #: Refused by the throttle without the password being checked.
    refused: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionRecord(Base):
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    after: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON


class Action(Base):
    """Something someone agreed to do: about an early-warning alert (kind ``alert``: the
    alert's scan, series, area, period and method) or at an oversight meeting (kind
    ``governance``: the meeting, optionally one of its decisions, a due date and links).
    One status set for both: open, in progress, done, cancelled."""

    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    area_code: Mapped[str] = mapped_column(String(9), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    links: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, as a decision's
    progress_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # An alert's action: the alert it answers.
    series_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    period: Mapped[str | None] = mapped_column(String(20), nullable=True)
    method: Mapped[str | None] = mapped_column(String(60), nullable=True)
    scan_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # A governance action: the meeting that agreed it, and the decision it carries out.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id"), nullable=True, index=True
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), nullable=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closure_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ActionNote(Base):
    __tablename__ = "action_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    text: Mapped[str] = mapped_column(Text)


class Submission(Base):
    """One version of one ADP's return for one form and period. Never overwritten: a
    resubmission after a return for changes is a new row with the next version number."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("form_id", "adp_code", "period", "number", name="uq_submission_number"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(60), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    adp_code: Mapped[str] = mapped_column(String(9), index=True)
    period: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … for this form, ADP and period
    status: Mapped[str] = mapped_column(String(20))  # draft, submitted, approved, returned
    answers: Mapped[str] = mapped_column(Text)  # JSON
    comments: Mapped[str] = mapped_column(Text, default="{}")  # JSON: rule id → comment
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_edited_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: JSON list of every user id that created, edited, attached to or submitted it: none
    #: of them may decide it (separation of duties).
    contributors: Mapped[str] = mapped_column(Text, default="[]")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Attachment(Base):
    """A file answering a file question of a return, kept with its SHA-256."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    question: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class StandardGrade(Base):
    """A grade for one ADP, MAT standard and assessment year: proposed by an assessor with
    a rationale citing evidence, then confirmed or changed by a moderator. Only moderated
    grades are published. A new proposal supersedes an unmoderated one; nothing is deleted."""

    __tablename__ = "standard_grades"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    adp_code: Mapped[str] = mapped_column(String(9), index=True)
    standard: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer, index=True)
    criteria_version: Mapped[int] = mapped_column(Integer)
    rule_set: Mapped[str] = mapped_column(String(40))
    evidence: Mapped[str] = mapped_column(Text)  # JSON: stream → none/partial/full, sustained
    evidence_refs: Mapped[str] = mapped_column(Text, default="[]")  # JSON: cited items
    proposed_grade: Mapped[str] = mapped_column(String(10))
    proposed_provisional: Mapped[bool] = mapped_column(Boolean)
    rationale: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    status: Mapped[str] = mapped_column(String(20))  # proposed, moderated, superseded
    grade: Mapped[str | None] = mapped_column(String(10), nullable=True)  # after moderation
    provisional: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    moderated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ImprovementAction(Base):
    """An improvement action linked to a grade: owner, due date, status."""

    __tablename__ = "improvement_actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("standard_grades.id"), index=True)
    grade: Mapped[StandardGrade] = relationship()
    adp_code: Mapped[str] = mapped_column(String(9), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Meeting(Base):
    """A meeting of an oversight group (groups are configuration: governance/groups.yaml)."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(String(80), index=True)
    area_code: Mapped[str] = mapped_column(String(9), index=True)  # the group's area
    held_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    #: The group's own summary for the public; shown only once published.
    public_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Decision(Base):
    """A decision taken at a meeting, linked to what it concerns (JSON list of references:
    ``indicator:ID``, ``standard:N``, ``alert:SCAN/SERIES/AREA/PERIOD``, ``target:ID``)."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    links: Mapped[str] = mapped_column(Text, default="[]")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class FeedbackResponse(Base):
    """One anonymous response to a public form (lived and living experience feedback). No
    name, account, address or network address is kept; an ADP approver accepts it (it then
    counts in the published figures) or rejects it (spam, abuse) with a reason."""

    __tablename__ = "feedback_responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(60), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    adp_code: Mapped[str] = mapped_column(String(9), index=True)
    period: Mapped[str] = mapped_column(String(20), index=True)
    answers: Mapped[str] = mapped_column(Text)  # JSON
    status: Mapped[str] = mapped_column(String(20), default="received")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
