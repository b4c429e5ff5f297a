"""Translation catalogs: find untranslated strings, compile catalogs, check both.

usage:
  python tools/i18n.py missing [LANG]   print .po entries still to translate (default zh_CN)
  python tools/i18n.py compile          compile every locale/*/LC_MESSAGES/*.po to .mo
  python tools/i18n.py check            exit 1 when a string lacks a translation or a .mo is stale

Each area keeps its own catalog (core.po, members.po, …) so areas grow without
editing one shared file; a msgid needs a translation in any one of them.
"""

from __future__ import annotations

import io
import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "salon_tui"
LOCALE_DIR = PACKAGE / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
TRANSLATED_LOCALES = ("zh_CN",)


def source_messages() -> dict[str, list[str]]:
    """msgid (or singular) → the files that use it."""
    found: dict[str, list[str]] = defaultdict(list)
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found[msgid].append(filename)
    return found


def catalogs(locale: str) -> dict[Path, Catalog]:
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    result = {}
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            result[path] = read_po(handle, locale=locale)
    return result


def translated_ids(locale: str) -> set[str]:
    ids = set()
    for catalog in catalogs(locale).values():
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings):
                ids.add(msgid)
    return ids


def missing(locale: str) -> dict[str, list[str]]:
    have = translated_ids(locale)
    return {msgid: files for msgid, files in source_messages().items() if msgid not in have}


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _read_mo(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_mo(handle)


def _messages(catalog: Catalog) -> dict[object, object]:
    # Compared by content, not bytes: the header names the Babel version that wrote it.
    def frozen(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {
        frozen(message.id): frozen(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def stale_catalogs() -> list[Path]:
    stale = []
    for locale in TRANSLATED_LOCALES:
        for path, catalog in catalogs(locale).items():
            mo = path.with_suffix(".mo")
            if not mo.exists() or _messages(_read_mo(mo)) != _messages(catalog):
                stale.append(mo)
    return stale


def _po_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "missing":
        locale = argv[1] if len(argv) > 1 else "zh_CN"
        for msgid, files in sorted(missing(locale).items(), key=lambda item: item[1][0]):
            print(f"#: {', '.join(sorted(set(files)))}")
            print(f'msgid "{_po_escape(msgid)}"')
            print('msgstr ""\n')
        return 0
    if command == "compile":
        for locale in TRANSLATED_LOCALES:
            for path, catalog in catalogs(locale).items():
                path.with_suffix(".mo").write_bytes(compiled(catalog))
                print(f"compiled {path.relative_to(ROOT)}")
        return 0
    if command == "check":
        problems = 0
        for locale in TRANSLATED_LOCALES:
            for msgid in sorted(missing(locale)):
                print(f"{locale}: untranslated: {msgid!r}")
                problems += 1
        for path in stale_catalogs():
            print(f"stale: {path.relative_to(ROOT)} (run `make i18n`)")
            problems += 1
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
