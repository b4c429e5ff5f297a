"""The quick check for Chinese mobile numbers gives exactly phonenumbers' answer.

``normalise_phone`` answers the common case (11 digits from 13 to 19, perhaps after +86)
without phonenumbers' full parse; ``parse_phone`` is phonenumbers alone. Wherever the
quick check answers, the two must agree, and a number phonenumbers refuses must be
refused with the same message.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salon_tui.domain.members import _cn_mobile, normalise_phone, parse_phone


def _phonenumbers_answer(typed: str) -> str:
    """What ``normalise_phone`` said before the quick check: phonenumbers alone."""
    cleaned = unicodedata.normalize("NFKC", typed).strip()
    try:
        return parse_phone(cleaned, typed, "CN")
    except ValueError as error:
        return f"refused: {error}"


def _our_answer(typed: str) -> str:
    try:
        return normalise_phone(typed, "CN")
    except ValueError as error:
        return f"refused: {error}"


def _written(national: str, prefix: str, separator: str, wide: bool) -> str:
    """``national`` as someone might type it: ``+86 138-0013-8000``, full-width …"""
    grouped = separator.join([national[:3], national[3:7], national[7:]])
    typed = prefix + grouped
    if wide:  # full-width digits and plus, as a Chinese keyboard types them
        typed = typed.translate({ord(c): ord(c) + 0xFEE0 for c in "+0123456789"})
    return typed


def test_every_mobile_range_agrees_with_phonenumbers() -> None:
    """Every five-digit start from 13000 to 19999 (CN's mobile ranges are decided by at
    most the first five digits), each with a random tail, in the plain shape."""
    rng = random.Random(8)
    answered_quickly = 0
    for start in range(13000, 20000):
        national = f"{start}{rng.randrange(10**6):06d}"
        quick = _cn_mobile(national)
        if quick is not None:
            answered_quickly += 1
            assert quick == _phonenumbers_answer(national), national
        assert _our_answer(national) == _phonenumbers_answer(national), national
    assert answered_quickly > 4000  # the quick check does carry the common case


# phonenumbers loads a country's rules on first use: no per-example deadline.
@settings(deadline=None)
@given(
    national=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    prefix=st.sampled_from(["", "+86", "+86 ", "+86-", "86", "0086", "+852 "]),
    separator=st.sampled_from(["", " ", "-", "  ", "."]),
    wide=st.booleans(),
)
def test_quick_check_equals_phonenumbers_on_written_mobiles(
    national: str, prefix: str, separator: str, wide: bool
) -> None:
    typed = _written(national, prefix, separator, wide)
    assert _our_answer(typed) == _phonenumbers_answer(typed)


@settings(deadline=None)
@given(st.text(alphabet="0123456789+- ()１３８", max_size=16))
def test_quick_check_equals_phonenumbers_on_any_digits(typed: str) -> None:
    if unicodedata.normalize("NFKC", typed).strip():
        assert _our_answer(typed) == _phonenumbers_answer(typed)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("13800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("＋８６１３８００１３８０００", "+8613800138000"),
        ("17400012345", "+8617400012345"),  # 1740[0-5]: satellite range, still mobile
    ],
)
def test_common_mobile_shapes_normalise(typed: str, e164: str) -> None:
    assert normalise_phone(typed, "CN") == e164


@pytest.mark.parametrize("typed", ["17912345678", "14012345678", "17406012345"])
def test_numbers_outside_the_mobile_ranges_are_still_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="not a valid phone number"):
        normalise_phone(typed, "CN")
