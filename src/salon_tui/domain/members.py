"""Pure rules about members: phones, birthdays, names, privacy masks and level upgrades."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from salon_tui.i18n import N_, _

NAME_MAX = 200
GENDERS: dict[str, str] = {"female": N_("Female"), "male": N_("Male"), "other": N_("Other")}
# What people type or old systems export, mapped to the stored gender.
GENDER_WORDS = {
    "female": "female",
    "f": "female",
    "woman": "female",
    "女": "female",
    "male": "male",
    "m": "male",
    "man": "male",
    "男": "male",
    "other": "other",
    "其他": "other",
    "": "",
}
STATUSES = ("active", "archived")
OLDEST_BIRTH_YEAR = 1900


def fold(text: str) -> str:
    """Text as search compares it: NFKC (full-width → ASCII), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_key(text: str) -> str:
    """``fold`` without any whitespace: what the search grams are made from."""
    return "".join(fold(text).split())


# Unicode's categories Cc (controls) and Cs (surrogates), both fixed for good by its
# stability policy: one regular expression instead of a category look-up per character.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_member_name(name: str) -> str:
    """A member's name as stored: as typed, trimmed, NFC, no control characters.

    Leading ``=``, ``+``, ``-`` or ``@`` stay: exports neutralise them, screens escape them.
    """
    cleaned = unicodedata.normalize("NFC", " ".join(name.split()))
    if not cleaned:
        raise ValueError(_("A name is needed."))
    if _CONTROL_CHARACTERS.search(cleaned) is not None:
        raise ValueError(_("The name contains invisible control characters."))
    if len(cleaned) > NAME_MAX:
        raise ValueError(_("A name has at most {limit} characters.").format(limit=NAME_MAX))
    return cleaned


# A Chinese mobile number as people write it: 11 digits from 13 to 19, perhaps after +86,
# perhaps in groups split by spaces or dashes.
_CN_MOBILE_SHAPE = re.compile(r"(?:\+86[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]){8})")


@lru_cache(maxsize=1)
def _cn_mobile_patterns() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[int]]:
    """phonenumbers' own rules for a valid Chinese mobile number (its metadata)."""
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None
    general, mobile = metadata.general_desc, metadata.mobile
    assert general is not None and general.national_number_pattern is not None
    assert mobile is not None and mobile.national_number_pattern is not None
    return (
        re.compile(general.national_number_pattern),
        re.compile(mobile.national_number_pattern),
        frozenset(mobile.possible_length or ()),
    )


def _cn_mobile(cleaned: str) -> str | None:
    """``cleaned`` in E.164 when it is plainly a valid Chinese mobile number, else None.

    Most numbers an import or the desk sees; phonenumbers' full parse costs ~60 µs, this
    ~2 µs, with exactly its answer (a property test holds it to that). Anything else —
    other shapes, other countries, invalid ranges — goes to phonenumbers.
    """
    shape = _CN_MOBILE_SHAPE.fullmatch(cleaned)
    if shape is None:
        return None
    national = shape.group(1).replace(" ", "").replace("-", "")
    general, mobile, lengths = _cn_mobile_patterns()
    if (
        len(national) in lengths
        and general.fullmatch(national) is not None
        and mobile.fullmatch(national) is not None
    ):
        return "+86" + national
    return None


def normalise_phone(text: str, region: str) -> str:
    """The phone in E.164 (``+8613800138000``); +86, spaces, dashes, full-width digits accepted.

    Raises ``ValueError`` with a message for a number that cannot be a real phone.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise ValueError(_("A phone number is needed."))
    if region.upper() == "CN":
        fast = _cn_mobile(cleaned)
        if fast is not None:
            return fast
    return parse_phone(cleaned, text, region)


def parse_phone(cleaned: str, text: str, region: str) -> str:
    """``normalise_phone`` through phonenumbers alone (every shape and country)."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(cleaned, region.upper() or None)
    except phonenumbers.NumberParseException:
        raise ValueError(_("{phone!r} is not a phone number.").format(phone=text)) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(
            _("{phone!r} is not a valid phone number (check the digits).").format(phone=text)
        )
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def calling_code(region: str) -> str:
    """``CN`` → ``+86``: the prefix of the shop's own numbers in E.164."""
    import phonenumbers

    return "+" + str(phonenumbers.country_code_for_region(region.upper()))


def local_phone(e164: str | None, own_calling_code: str) -> str:
    """National digits for the shop's own country (``13800138000``), E.164 for others."""
    if not e164:
        return ""
    return e164[len(own_calling_code) :] if e164.startswith(own_calling_code) else e164


def mask_phone(phone: str) -> str:
    """``13800138000`` → ``138****8000``: for staff without the contact permission."""
    bare = phone.lstrip("+")
    if len(bare) <= 4:
        return "*" * len(bare)
    head = 3 if len(bare) >= 10 else 0
    return bare[:head] + "*" * (len(bare) - head - 4) + bare[-4:]


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None

    def text(self, with_year: bool = True) -> str:
        if self.year is not None and with_year:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"--{self.month:02d}-{self.day:02d}"

    def next_after(self, today: date) -> date:
        """The next birthday on or after ``today`` (29 Feb falls on 28 Feb in other years)."""
        for year in (today.year, today.year + 1):
            try:
                candidate = date(year, self.month, self.day)
            except ValueError:
                candidate = date(year, 2, 28)
            if candidate >= today:
                return candidate
        raise AssertionError("unreachable")

    def on(self, year: int) -> date:
        """This birthday in ``year`` (29 Feb falls on 28 Feb in other years)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return date(year, 2, 28)

    def window_around(self, today: date, window: str) -> tuple[date, date] | None:
        """The birthday window (``day``, ``week``: three days either side, ``month``: the
        birth month) that holds ``today``, or None when today is outside every one."""
        for year in (today.year - 1, today.year, today.year + 1):
            birthday = self.on(year)
            if window == "day":
                start = end = birthday
            elif window == "week":
                start, end = birthday - timedelta(days=3), birthday + timedelta(days=3)
            elif window == "month":
                start = birthday.replace(day=1)
                following = (start + timedelta(days=32)).replace(day=1)
                end = following - timedelta(days=1)
            else:
                raise ValueError(f"unknown birthday window {window!r}")
            if start <= today <= end:
                return start, end
        return None


BIRTHDAY_WINDOWS = ("day", "week", "month")

_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NO_YEAR = re.compile(r"^(?:--)?(\d{1,2})[-/.月](\d{1,2})日?$")


def parse_birthday(text: str, today: date) -> Birthday:
    """``1990-03-05``, ``1990/3/5``, ``19900305``, ``1990年3月5日``, or without the year:
    ``3月5日``, ``03-05``, ``--03-05``. Refuses impossible days, years before 1900 and the
    future."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    year: int | None
    match = _FULL.match(cleaned) or _COMPACT.match(cleaned)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        short = _NO_YEAR.match(cleaned)
        if short is None:
            raise ValueError(
                _("{text!r} is not a birthday (use YYYY-MM-DD, or MM-DD without the year).").format(
                    text=text
                )
            )
        year = None
        month, day = (int(part) for part in short.groups())
    try:
        date(year if year is not None else 2000, month, day)  # 2000 is a leap year
    except ValueError:
        raise ValueError(_("{text!r} is not a real date.").format(text=text)) from None
    if year is not None:
        if year < OLDEST_BIRTH_YEAR:
            raise ValueError(
                _("A birth year before {year} cannot be right.").format(year=OLDEST_BIRTH_YEAR)
            )
        try:
            born = date(year, month, day)
        except ValueError:
            raise ValueError(_("{text!r} is not a real date.").format(text=text)) from None
        if born > today:
            raise ValueError(_("A birthday cannot be in the future."))
    return Birthday(month, day, year)


def parse_gender(text: str) -> str:
    key = fold(text).strip()
    if key not in GENDER_WORDS:
        raise ValueError(_("Gender is female, male or other (or 女 / 男)."))
    return GENDER_WORDS[key]


def clean_tags(tags: Sequence[str] | str) -> tuple[str, ...]:
    """Tags trimmed, without commas or duplicates (ignoring case), in the order given."""
    items = tags.replace("，", ",").replace(";", ",").split(",") if isinstance(tags, str) else tags
    seen: set[str] = set()
    kept: list[str] = []
    for item in items:
        tag = " ".join(item.replace(",", " ").split())
        if tag and fold(tag) not in seen:
            if len(tag) > 30:
                raise ValueError(_("A tag has at most 30 characters."))
            seen.add(fold(tag))
            kept.append(tag)
    return tuple(kept)


# --- levels -------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRule:
    """What checkout and top-ups need to know about a level to apply its upgrade rules."""

    id: int
    rank: int
    upgrade_spend_cents: int | None
    upgrade_top_up_cents: int | None
    upgrade_points: int | None
    can_drop: bool


@dataclass(frozen=True)
class MemberStanding:
    """What a member has done that the upgrade rules look at."""

    spend_cents: int = 0
    largest_top_up_cents: int = 0
    points: int = 0


def qualifies(level: LevelRule, standing: MemberStanding) -> bool:
    """True when any of the level's set rules is met (a level with no rules: by hand only)."""
    checks = (
        (level.upgrade_spend_cents, standing.spend_cents),
        (level.upgrade_top_up_cents, standing.largest_top_up_cents),
        (level.upgrade_points, standing.points),
    )
    return any(threshold is not None and value >= threshold for threshold, value in checks)


def level_for(
    levels: Sequence[LevelRule], current: LevelRule | None, standing: MemberStanding
) -> LevelRule | None:
    """The level a member should hold now: the highest one they qualify for, never lower
    than their current level unless the current level ``can_drop``."""
    best = current
    for level in sorted(levels, key=lambda item: item.rank):
        if qualifies(level, standing) and (best is None or level.rank > best.rank):
            best = level
    if current is not None and current.can_drop and not qualifies(current, standing):
        lower = [
            level
            for level in levels
            if level.rank < current.rank
            and (qualifies(level, standing) or level.rank == min(item.rank for item in levels))
        ]
        if best is current and lower:
            best = max(lower, key=lambda item: item.rank)
    return best


def level_after_refund(
    levels: Sequence[LevelRule],
    current: LevelRule | None,
    before: MemberStanding,
    after: MemberStanding,
) -> LevelRule | None:
    """The lower level a refund drops a member to, or None when they keep their level.

    Only a level that ``can_drop`` drops, and only when the refund is what takes the
    member below it: they met one of its rules before the refund and meet none after.
    A level given by hand (or promised by a promotion) that the member never reached by
    the rules is not taken away by a refund."""
    if current is None or not current.can_drop:
        return None
    if not qualifies(current, before) or qualifies(current, after):
        return None
    target = level_for(levels, current, after)
    if target is None or target.rank >= current.rank:
        return None
    return target


@dataclass(frozen=True)
class DefaultLevel:
    names: dict[str, str]  # locale → name
    rank: int
    service_discount_bp: int
    product_discount_bp: int
    points_multiplier_pct: int
    upgrade_spend_cents: int | None
    upgrade_top_up_cents: int | None


# A new shop starts with these three, named in its language.
DEFAULT_LEVELS: tuple[DefaultLevel, ...] = (
    DefaultLevel({"zh_CN": "普通会员", "en": "Regular"}, 0, 0, 0, 100, None, None),
    DefaultLevel({"zh_CN": "银卡会员", "en": "Silver"}, 1, 500, 300, 120, 300_000, 200_000),
    DefaultLevel({"zh_CN": "金卡会员", "en": "Gold"}, 2, 1200, 500, 150, 1_000_000, 500_000),
)


def default_level_name(level: DefaultLevel, locale: str) -> str:
    return level.names.get(locale, level.names["en"])
