"""Translations through gettext.

Source strings are English. ``_()`` translates into the current language, which is
the shop's language unless ``salon --lang`` says otherwise for one run. Each area of the
program keeps its own catalog (``locale/<lang>/LC_MESSAGES/<area>.mo``) so that areas
grow without editing one shared file; the loader chains them.

Strings that must exist before a language is chosen (class attributes such as Textual
bindings, error titles, enum labels) are marked with ``N_()`` and translated where they
are shown.

``speaking(locale)`` translates into another language for one block of one thread (a
worker printing the day close in the shop's receipt language while the screen stays in
the cashier's).
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DEFAULT_LOCALE = "en"
SUPPORTED_LOCALES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
LOCALE_DIR = Path(__file__).parent / "locale"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_current_locale = DEFAULT_LOCALE
# (locale, catalog) inside a ``speaking`` block of this thread or task; None elsewhere.
_speaking: ContextVar[tuple[str, gettext.NullTranslations] | None] = ContextVar(
    "salon_speaking", default=None
)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    speaking_now = _speaking.get()
    if speaking_now is not None:
        return speaking_now[1].gettext(message)
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    speaking_now = _speaking.get()
    catalog = speaking_now[1] if speaking_now is not None else _translations
    return catalog.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now."""
    return message


def current_locale() -> str:
    speaking_now = _speaking.get()
    return speaking_now[0] if speaking_now is not None else _current_locale


@contextmanager
def speaking(locale: str) -> Iterator[str]:
    """Inside the block, ``_()`` and ``current_locale()`` speak ``locale`` — in this
    thread (or task) only, so a screen drawn meanwhile keeps its language. Yields the
    normalised locale; an unknown one leaves the messages as written (English)."""
    from salon_tui.errors import ValidationError

    try:
        normalised = normalise_locale(locale)
    except ValidationError:
        normalised = DEFAULT_LOCALE
    token = _speaking.set((normalised, _catalog(normalised)))
    try:
        yield normalised
    finally:
        _speaking.reset(token)


def normalise_locale(value: str) -> str:
    """Accept ``zh_CN``, ``zh-CN``, ``zh_cn``, ``en_US.UTF-8`` …; refuse what we lack."""
    cleaned = value.strip().split(".")[0].replace("-", "_")
    for known in SUPPORTED_LOCALES:
        if cleaned.lower() == known.lower():
            return known
    language = cleaned.split("_")[0].lower()
    if language == "en":
        return "en"
    if cleaned.lower() in {"zh", "zh_hans", "zh_sg"}:
        return "zh_CN"
    from salon_tui.errors import ValidationError

    names = ", ".join(SUPPORTED_LOCALES)
    raise ValidationError(
        _("Unknown language {value!r}; choose one of: {names}.").format(value=value, names=names),
        field="locale",
    )


def load_translations(locale: str) -> gettext.NullTranslations:
    """Chain every area catalog found for ``locale`` (none for English)."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    chain: gettext.NullTranslations = gettext.NullTranslations()
    catalogs = sorted(folder.glob("*.mo")) if locale != DEFAULT_LOCALE else []
    for path in reversed(catalogs):
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)
        catalog.add_fallback(chain)
        chain = catalog
    return chain


@functools.cache
def _catalog(locale: str) -> gettext.NullTranslations:
    return load_translations(locale)


def gettext_in(locale: str, message: str) -> str:
    """``message`` in ``locale`` whatever the current language (receipts print in the
    shop's language, not the cashier's)."""
    from salon_tui.errors import ValidationError

    try:
        return _catalog(normalise_locale(locale)).gettext(message)
    except ValidationError:  # a language we lack: the message as written
        return message


def install(locale: str) -> str:
    """Make ``locale`` the current language; returns its normalised name."""
    global _translations, _current_locale
    normalised = normalise_locale(locale)
    _translations = load_translations(normalised)
    _current_locale = normalised
    return normalised


def babel_locale(locale: str | None = None) -> str:
    """The Babel identifier for a language (Babel wants ``zh_Hans_CN`` style or ``zh_CN``)."""
    return locale or current_locale()
