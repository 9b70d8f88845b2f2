"""One number rule for every file: each tricky value is accepted by the dataset reader if
and only if a return upload accepts it, with the same value, and a refused value names the
same part of the rule in both."""

from __future__ import annotations

import pytest

from missionmonitor.datasets.numbers import parse_number, parse_whole_number
from missionmonitor.datasets.reader import read_table
from missionmonitor.datasets.table_schema import Column, TableSchema
from missionmonitor.errors import NumberFormatError, ValidationError
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.upload import read_upload
from tests.helpers import scotland
from tests.hostile_files import ADP, FORM, GOOD, NUMERIC_EDGES, csv_of

GEO = Geography.of(scotland())

# (text, what the rule makes of it in a decimal column: a number or the rule broken,
#  the same in a whole-number column)
TABLE: list[tuple[str, float | str, int | str]] = [
    ("10", 10.0, 10),
    (" 10 ", 10.0, 10),
    ("\t10", 10.0, 10),
    ("\u00a010\u00a0", 10.0, 10),
    ("+10", 10.0, 10),
    ("010", 10.0, 10),
    ("10.0", 10.0, "whole-number"),
    ("10.", 10.0, "whole-number"),
    (".5", 0.5, "whole-number"),
    ("1e1", 10.0, "whole-number"),
    ("1E1", 10.0, "whole-number"),
    ("12.5", 12.5, "whole-number"),
    ("0", 0.0, 0),
    ("-0", "negative-zero", "negative-zero"),
    ("-0.0", "negative-zero", "negative-zero"),
    ("-0e3", "negative-zero", "negative-zero"),
    ("١٠", "ascii-digits", "ascii-digits"),
    ("１０", "ascii-digits", "ascii-digits"),
    ("1٠", "ascii-digits", "ascii-digits"),
    ("1_0", "underscore", "underscore"),
    ("1_000", "underscore", "underscore"),
    ("1,000", "thousands-separator", "thousands-separator"),
    ("10,000.5", "thousands-separator", "thousands-separator"),
    ("1,0", "not-a-number", "not-a-number"),
    ("1 000", "not-a-number", "not-a-number"),
    ("NaN", "not-finite", "not-finite"),
    ("-nan", "not-finite", "not-finite"),
    ("inf", "not-finite", "not-finite"),
    ("+Infinity", "not-finite", "not-finite"),
    ("1e309", "not-finite", "not-finite"),
    ("0x10", "not-a-number", "not-a-number"),
    ("½", "not-a-number", "not-a-number"),
    ("ten", "not-a-number", "not-a-number"),
    ("1.2.3", "not-a-number", "not-a-number"),
    ("1e", "not-a-number", "not-a-number"),
]
TEXTS = [t for t, _, _ in TABLE]


def _reader(text: str, column_type: str) -> float | str | None:
    """What the dataset reader makes of ``text``: its value, or the number rule broken."""
    schema = TableSchema(columns={"n": Column(type=column_type)})  # type: ignore[arg-type]
    try:
        return read_table(schema, "n.csv", csv_of({"n": text}, header=["n"]), {}).rows[0]["n"]
    except ValidationError as exc:
        (problem,) = exc.problems
        assert problem.rule == "type"
        return problem.message.rsplit("number rule: ", 1)[1].rstrip("]")


ACCEPTED = "accepted"


def _upload(text: str, question: str) -> str:
    """What a return upload makes of ``text`` as the answer to ``question``: accepted, or
    the number rule broken (other rules of the form, such as sums, are not its business)."""
    try:
        read_upload(GEO, FORM, "n.csv", csv_of({**GOOD, question: text}), allowed={ADP})
    except ValidationError as exc:
        typed = [p for p in exc.problems if p.column == question and p.rule == "type"]
        if typed:
            return typed[0].message.rsplit("number rule: ", 1)[1].rstrip("]")
    return ACCEPTED


def test_the_table_covers_every_numeric_edge_of_the_hostile_files():
    assert set(NUMERIC_EDGES) - set(TEXTS) <= {
        "-inf",
        "+inf",
        "Infinity",
        "-Infinity",
        "INF",
        "nan",
        "-1e309",
        "1e400",
        "0b11",
        "12e",
        ".",
        "1..0",
        "1e5.5",
        "١٢",
    }


@pytest.mark.parametrize(("text", "decimal", "whole"), TABLE, ids=TEXTS)
def test_a_number_reads_the_same_in_a_dataset_and_an_upload(text, decimal, whole):
    assert _reader(text, "decimal") == decimal
    assert _reader(text, "integer") == whole
    assert _upload(text, "estimated_cost_gbp") == (
        ACCEPTED if isinstance(decimal, float) else decimal
    )
    assert _upload(text, "placements_total") == (ACCEPTED if isinstance(whole, int) else whole)


@pytest.mark.parametrize("text", NUMERIC_EDGES)
def test_every_hostile_numeric_edge_is_refused_by_both_readers(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)
    assert isinstance(_reader(text, "decimal"), str)
    assert isinstance(_upload(text, "estimated_cost_gbp"), str)


@pytest.mark.parametrize(("text", "decimal", "whole"), TABLE, ids=TEXTS)
def test_the_parser_names_the_rule_it_applies(text, decimal, whole):
    for parse, expected in ((parse_number, decimal), (parse_whole_number, whole)):
        if isinstance(expected, str):
            with pytest.raises(NumberFormatError) as info:
                parse(text)
            assert info.value.rule == expected and expected in str(info.value)
        else:
            assert parse(text) == expected
