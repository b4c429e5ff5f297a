"""Headers in other people's files, dates as people write them, formula-safe cells."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salon_tui.domain.tabular import (
    Column,
    PartialDate,
    cell_text,
    match_headers,
    neutralise,
    parse_column_map,
    parse_partial_date,
)

COLUMNS = [
    Column("card_number", ("会员卡号", "卡号", "card no")),
    Column("name", ("姓名", "会员姓名"), required=True),
    Column("phone", ("手机号", "手机", "mobile")),
]


def test_headers_match_in_chinese_and_english_ignoring_case_width_and_spaces() -> None:
    match = match_headers(["会员 卡号", "ＮＡＭＥ", "Mobile", "备注"], COLUMNS)
    assert match.positions == {"card_number": 0, "name": 1, "phone": 2}
    assert match.unknown == ["备注"]
    assert match.usable


def test_a_missing_required_column_is_named() -> None:
    match = match_headers(["卡号", "手机"], COLUMNS)
    assert match.missing == ["name"]
    assert not match.usable


def test_a_column_map_renames_someone_elses_headers() -> None:
    mapping = parse_column_map(["Desc=name", "Cell Phone=phone"])
    match = match_headers(["Desc", "cell_phone"], COLUMNS, mapping)
    assert match.positions == {"name": 0, "phone": 1}
    with pytest.raises(ValueError, match="THEIR_HEADER"):
        parse_column_map(["nonsense"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1990-03-05", PartialDate(3, 5, 1990)),
        ("1990/3/5", PartialDate(3, 5, 1990)),
        ("19900305", PartialDate(3, 5, 1990)),
        ("1990年3月5日", PartialDate(3, 5, 1990)),
        ("3月5日", PartialDate(3, 5, None)),
        ("2月29日", PartialDate(2, 29, None)),
        (datetime(1982, 1, 21), PartialDate(1, 21, 1982)),
        (date(1982, 1, 21), PartialDate(1, 21, 1982)),
        ("１９９０-０３-０５", PartialDate(3, 5, 1990)),
    ],
)
def test_dates_as_people_and_excel_write_them(value: object, expected: PartialDate) -> None:
    assert parse_partial_date(value) == expected


@pytest.mark.parametrize("value", ["1990-02-30", "2月30日", "soon", "", "1990-13-01"])
def test_impossible_or_unreadable_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_partial_date(value)


@pytest.mark.parametrize("text", ["=1+1", "+86 139", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_would_run_as_a_formula_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@given(st.one_of(st.integers(), st.decimals(allow_nan=False, allow_infinity=False), st.dates()))
def test_numbers_and_dates_stay_what_they_are(value: object) -> None:
    assert neutralise(value) is value


def test_cell_text_drops_a_spurious_decimal_point() -> None:
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(None) == ""
    assert cell_text(datetime(2020, 2, 10)) == "2020-02-10"
