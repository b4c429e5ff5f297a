"""Importing files from a previous system: check every row first, then all or nothing.

An import kind (members, services, staff …) declares its columns (with Chinese and
English synonyms), how to read one row, how to check the rows against the database,
and how to write them. ``run_import`` reads the file as a stream, collects every
problem with its row, column and value, and — unless it is a dry run, or there are
problems and ``skip_invalid`` was not given — writes every good row in one transaction,
audited as an import. Re-importing the same file creates no duplicates.

Memory stays bounded whatever the file's length (a million rows and more): the check
keeps no row in memory. Each good row, as read, goes to a temporary file in slices
(``_Spill``); the write reads the slices back one at a time, inside its one transaction,
and each kind's ``write`` takes them as an iterable of lists. What a row reader must
remember across rows (the phones and card numbers seen, to find duplicates) stays in a
dictionary up to a size, then in a temporary SQLite file (``_SeenValues``). The first
``KEPT_PROBLEMS`` problems stay in memory for the screen and the terminal; the others go
to a temporary file, and ``ImportReport.all_problems`` (the ``--report`` file, Ctrl+E)
reads every one of them.
"""

from __future__ import annotations

import gc
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from sqlmodel import Session

from salon_tui.data.bulk import roomy_page_cache
from salon_tui.data.spreadsheets import Sheet, SpreadsheetError, read_table, write_csv, write_xlsx
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tabular import Column, cell_text, match_headers
from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.permissions import require

Record = TypeVar("Record")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    kind: str  # a stable code: short_phone, dup_phone, bad_date, unknown_level …
    message: str


class RowProblems(Exception):
    """Raised by a row reader with every problem it found in the row."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    update: bool = False
    create_levels: bool = False
    sheet: str | None = None
    encoding: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)


@dataclass
class RowContext:
    """What a row reader may consult: options, the shop, and what earlier rows held."""

    options: ImportOptions
    session: Session
    shop: Any
    seen: dict[str, dict[str, int]] = field(default_factory=dict)
    # What a reader looks up once per import, not once per row (today, the levels …).
    memo: dict[str, Any] = field(default_factory=dict)
    # What the check hands to the write (small: e.g. the level names of the good rows);
    # a kind's ``write`` reads it with ``carried(session)``.
    carry: dict[str, Any] = field(default_factory=dict)
    overflow: _SeenValues | None = None

    def once(self, key: str, load: Callable[[], Any]) -> Any:
        """``load()`` the first time ``key`` is asked for, the remembered value after."""
        if key not in self.memo:
            self.memo[key] = load()
        return self.memo[key]

    def first_row_with(self, key: str, value: str, row: int) -> int | None:
        """The earlier row that had the same ``value`` in ``key``, remembering this one."""
        bucket = self.seen.get(key)
        if bucket is None:
            bucket = self.seen[key] = {}
        earlier = bucket.get(value)
        if earlier is not None:
            return earlier
        if len(bucket) < SEEN_IN_MEMORY:  # not full yet: nothing of this key is on disk
            bucket[value] = row
            return None
        if self.overflow is None:
            self.overflow = _SeenValues()
        return self.overflow.first_row_with(key, value, row)


# Values remembered per key (phones, card numbers …) in a dictionary; beyond that, in a
# temporary SQLite file, so a file of millions of rows is checked in bounded memory.
SEEN_IN_MEMORY = 100_000


class _SeenValues:
    """The values earlier rows held, on disk: SQLite's private temporary database (its
    pages stay in a small cache; the rest lives in a file deleted when it closes)."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", check_same_thread=False)
        self.db.execute("PRAGMA cache_size = -4096")
        self.db.execute(
            "CREATE TABLE seen (key TEXT, value, row INTEGER, PRIMARY KEY (key, value)) "
            "WITHOUT ROWID"
        )

    def first_row_with(self, key: str, value: Any, row: int) -> int | None:
        added = self.db.execute(
            "INSERT OR IGNORE INTO seen (key, value, row) VALUES (?, ?, ?)", (key, value, row)
        )
        if added.rowcount:
            return None
        found = self.db.execute(
            "SELECT row FROM seen WHERE key = ? AND value = ?", (key, value)
        ).fetchone()
        return None if found is None else int(found[0])

    def close(self) -> None:
        self.db.close()


class _Spill:
    """Items kept in a temporary file, a slice at a time, and read back as slices.

    The file has no name (it is gone when closed or when the process ends). Nothing is
    written while the items fit in one slice.
    """

    def __init__(self, slice_size: int) -> None:
        self.slice_size = slice_size
        self.pending: list[Any] = []
        self.file: IO[bytes] | None = None
        self.count = 0

    def add(self, item: Any) -> None:
        self.pending.append(item)
        self.count += 1
        if len(self.pending) >= self.slice_size:
            self._flush()

    def _flush(self) -> None:
        if self.file is None:
            # Kept open across calls (closed by ``close`` or with this object).
            self.file = tempfile.TemporaryFile(prefix="salon-import-")  # noqa: SIM115
        self.file.seek(0, 2)
        pickle.dump(self.pending, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending = []

    def slices(self) -> Iterator[list[Any]]:
        """Every slice, in the order the items were added (may be read again)."""
        handle = self.file
        if handle is not None:
            end, offset = handle.seek(0, 2), 0
            while offset < end:
                handle.seek(offset)
                part = pickle.load(handle)
                offset = handle.tell()
                yield part
        if self.pending:
            yield list(self.pending)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


@dataclass(frozen=True)
class ImportKind(Generic[Record]):
    name: str
    title: str  # msgid
    permission: str
    columns: Sequence[Column]
    read_row: Callable[[RowContext, int, dict[str, Any]], Record]
    # Writes the good rows, given as slices (lists of at most ``SLICE_ROWS`` rows, in the
    # file's order) read back one at a time: a kind keeps no more than it must across
    # slices, so a file of any length is written in bounded memory.
    write: Callable[[Session, Actor, Iterable[list[Record]], ImportOptions], dict[str, int]]
    # Columns read and checked but not written yet (the area that keeps them has not
    # landed); the report names them so nobody thinks they were imported.
    not_imported: Callable[[], Sequence[str]] = lambda: ()
    # How a good row is kept on disk between the check and the write: plain values
    # (tuples, text, numbers) are pickled far faster than objects. Default: as it is.
    pack: Callable[[Record], Any] | None = None
    unpack: Callable[[Any], Record] | None = None
    # Whether ``run_import`` may write the good rows while the file is still being read
    # and checked (see ``streaming``): the kind's ``write`` then must not rely on what
    # the check carries (``carried``) before its slices run out.
    streams: bool = False


# How the counts a kind's ``write`` returns read in the summary ({n}: the count).
WRITTEN_LABELS = {
    "added": N_("added {n}"),
    "updated": N_("updated {n}"),
    "unchanged": N_("unchanged {n}"),
    "cards": N_("cards {n}"),
    "categories": N_("new categories {n}"),
    "suppliers": N_("new suppliers {n}"),
    "opening_stock": N_("opening stock {n}"),
}


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file: str
    rows: int
    importable: int
    problems: list[Problem]
    unknown_columns: list[str]
    written: dict[str, int]
    dry_run: bool
    not_imported: list[str] = field(default_factory=list)
    # What the kind wrote besides its rows (opening balances, points, packages …), as in
    # the import's audit entry, and the shop's currency to show its amounts in.
    opening: dict[str, int] = field(default_factory=dict)
    currency: str = "CNY"
    # ``problems`` holds the first ``KEPT_PROBLEMS``; the others wait in ``spilled``
    # (``all_problems`` reads every one). The counts cover them all (None: ``problems``).
    problem_count: int | None = None
    bad_rows: int | None = None
    spilled: _Spill | None = field(default=None, repr=False, compare=False)

    @property
    def imported(self) -> bool:
        return bool(self.written)

    @property
    def rows_with_problems(self) -> int:
        if self.bad_rows is not None:
            return self.bad_rows
        return len({p.row for p in self.problems})

    @property
    def total_problems(self) -> int:
        return len(self.problems) if self.problem_count is None else self.problem_count

    def all_problems(self) -> Iterator[Problem]:
        """Every problem, in the file's order, the ones not kept in memory included."""
        yield from self.problems
        if self.spilled is not None:
            for part in self.spilled.slices():
                for found in part:
                    yield Problem(*found)

    def summary_lines(self) -> list[str]:
        """What the person needs to read after a check or an import (CLI and screen)."""
        lines = []
        if self.unknown_columns:
            lines.append(
                _("Ignored columns: {names}").format(names=", ".join(self.unknown_columns))
            )
        if self.not_imported:
            lines.append(
                _("Checked but not imported yet: {names}.").format(
                    names=", ".join(str(name) for name in self.not_imported)
                )
            )
        lines.append(
            _("{rows} rows, {good} importable, {bad} with problems.").format(
                rows=self.rows, good=self.importable, bad=self.rows_with_problems
            )
        )
        if self.total_problems > len(self.problems):
            lines.append(
                _(
                    "The first {shown} of {count} problems are listed; the problems file "
                    "(--report, or Ctrl+E on the Import screen) holds them all."
                ).format(shown=len(self.problems), count=self.total_problems)
            )
        if self.dry_run:
            lines.append(_("Dry run: nothing was written."))
        elif self.imported:
            written = ", ".join(
                _(WRITTEN_LABELS[name]).format(n=count)
                if name in WRITTEN_LABELS
                else f"{name} {count}"
                for name, count in self.written.items()
            )
            lines.append(_("Imported in one transaction: {written}.").format(written=written))
            lines.extend(self._opening_lines())
        return lines

    def _opening_lines(self) -> list[str]:
        from salon_tui.domain.money import format_money
        from salon_tui.i18n import current_locale

        opening, lines = self.opening, []

        def money(cents: int) -> str:
            return format_money(cents, self.currency, current_locale())

        if opening.get("opening_balances"):
            lines.append(
                _(
                    "Opening stored value for {members} members: {principal} principal, "
                    "{bonus} bonus."
                ).format(
                    members=opening["opening_balances"],
                    principal=money(opening.get("opening_principal_cents", 0)),
                    bonus=money(opening.get("opening_bonus_cents", 0)),
                )
            )
        if opening.get("opening_points_members"):
            lines.append(
                _("Opening points for {members} members: {points} points.").format(
                    members=opening["opening_points_members"],
                    points=f"{opening.get('opening_points', 0):,}",
                )
            )
        if opening.get("opening_packages"):
            lines.append(
                _("Packages brought over: {packages}, with {uses} uses left.").format(
                    packages=opening["opening_packages"],
                    uses=opening.get("opening_package_uses", 0),
                )
            )
        return lines

    def as_sheet(self) -> Sheet:
        return Sheet(
            _("Import report"),
            [_("Row"), _("Column"), _("Value"), _("Problem"), _("Message")],
            ([p.row, p.column, p.value, p.kind, p.message] for p in self.all_problems()),
        )


class ImportRefused(SalonError):
    title = N_("Import refused")


KINDS: dict[str, ImportKind[Any]] = {}


def register(kind: ImportKind[Any]) -> ImportKind[Any]:
    KINDS[kind.name] = kind
    return kind


def import_kinds(actor: Actor) -> list[ImportKind[Any]]:
    """The kinds ``actor`` may import, in a stable order."""
    _load_kinds()
    return [KINDS[name] for name in sorted(KINDS) if actor.can(KINDS[name].permission)]


def kind_named(name: str) -> ImportKind[Any]:
    _load_kinds()
    if name not in KINDS:
        raise ValidationError(
            _("Unknown import kind {name!r}; known: {known}.").format(
                name=name, known=", ".join(sorted(KINDS))
            ),
            field="kind",
        )
    return KINDS[name]


def _load_kinds() -> None:
    # Each area registers its kinds when its module is imported.
    from salon_tui.services import (  # noqa: F401
        import_catalog,
        import_members,
        import_packages,
        import_staff,
    )


Progress = Callable[[int], None]

# Where ``write_import`` puts the batch an import writes under, for the kinds that link
# their rows to it (``current_batch``).
_BATCH_KEY = "salon.import_batch"
_FACTS_KEY = "salon.import_facts"
_CARRY_KEY = "salon.import_carry"
_STREAMING_KEY = "salon.import_streaming"

# Good rows per slice, on disk between the check and the write and written together.
SLICE_ROWS = 5000
# Problems kept in memory (the screen and the terminal list these); the rest on disk.
KEPT_PROBLEMS = 2000


@dataclass(frozen=True)
class CheckedImport:
    """A file read and checked, with its good rows: what ``write_import`` writes.

    The Import screen keeps it between the check and the confirmation, so the file is
    read once and what is written is exactly what the report described. The good rows
    wait in a temporary file (deleted with this object), not in memory.
    """

    kind: str
    path: Path
    options: ImportOptions
    report: ImportReport  # the check's report (written is empty)
    good_rows: _Spill  # packed by the kind (``ImportKind.pack``), in slices
    sha256: str  # of the file as read
    stamp: tuple[int, int]  # its size and modification time then
    carry: dict[str, Any] = field(default_factory=dict)  # RowContext.carry

    def slices(self) -> Iterator[list[Any]]:
        """The good rows, a slice at a time, as the kind's reader made them."""
        unpack = kind_named(self.kind).unpack
        parts = self.good_rows.slices()
        while True:
            # Reading a slice back makes tens of thousands of tuples, dicts and rows that
            # hold no cycles (they go when the slice is written): the cycle collector,
            # left running, would walk them over and over for nothing (half the time).
            with _collector_paused():
                part = next(parts, None)
                if part is not None and unpack is not None:
                    part = [unpack(packed) for packed in part]
            if part is None:
                return
            yield part


@contextmanager
def _settled_objects_frozen() -> Iterator[None]:
    """The objects alive before an import (modules, the ORM's registries …) left out of
    the cycle collector's full passes while the import runs.

    Those passes come the more often the fewer objects live long, and an import that
    keeps no rows creates few long-lived ones: each pass walked every object of the
    program again, some 5 % of an import's time.
    """
    if gc.get_freeze_count():  # the app froze its own (and unfreezing is not ours)
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _file_stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Findings:
    """What reading a file has found so far: its rows, good rows and problems.

    The first ``KEPT_PROBLEMS`` problems stay in memory, the others in a temporary file.
    """

    def __init__(self) -> None:
        self.rows = 0
        self.good = 0
        self.problems: list[Problem] = []
        self.spilled: _Spill | None = None
        self.problem_count = 0
        self.bad_rows = 0
        self.carry: dict[str, Any] = {}

    def found(self, problems: list[Problem]) -> None:
        self.bad_rows += 1
        self.problem_count += len(problems)
        for item in problems:
            if len(self.problems) < KEPT_PROBLEMS:
                self.problems.append(item)
                continue
            if self.spilled is None:
                self.spilled = _Spill(SLICE_ROWS)
            self.spilled.add((item.row, item.column, item.value, item.kind, item.message))

    def report(
        self, kind: ImportKind[Any], path: Path, opened: _Opened, dry_run: bool
    ) -> ImportReport:
        match = opened.match
        return ImportReport(
            kind=kind.name,
            file=path.name,
            rows=self.rows,
            importable=self.good,
            problems=self.problems,
            unknown_columns=match.unknown,
            written={},
            dry_run=dry_run,
            not_imported=[
                opened.table.headers[match.positions[key]]
                for key in kind.not_imported()
                if key in match.positions
            ],
            problem_count=self.problem_count,
            bad_rows=self.bad_rows,
            spilled=self.spilled,
        )


@dataclass(frozen=True)
class _Opened:
    table: Any  # the spreadsheet's Table: its headers and its rows, not read yet
    match: Any  # the headers matched to the kind's columns
    stamp: tuple[int, int]


def _open(kind: ImportKind[Any], path: Path, options: ImportOptions) -> _Opened:
    """The file opened as a table with its headers matched; refused when it cannot be."""
    try:
        stamp = _file_stamp(path)
        table = read_table(path, sheet=options.sheet, encoding=options.encoding)
    except (SpreadsheetError, OSError) as error:
        raise ImportRefused(str(error)) from error
    match = match_headers(table.headers, kind.columns, options.column_map)
    if not match.positions:
        _close_rows(table)
        raise ImportRefused(
            _(
                "No known column headers in the first row of {name}: is the header row missing?"
            ).format(name=path.name)
        )
    if match.missing:
        _close_rows(table)
        raise ImportRefused(
            _("Required columns are missing: {columns}.").format(columns=", ".join(match.missing))
        )
    return _Opened(table, match, stamp)


def _close_rows(table: Any) -> None:
    close = getattr(table.rows, "close", None)
    if close is not None:
        close()  # a generator: its file (or its reading process) is let go


def _checked_rows(
    uow: UnitOfWork,
    kind: ImportKind[Any],
    opened: _Opened,
    options: ImportOptions,
    findings: _Findings,
    progress: Progress | None,
) -> Generator[Any, None, None]:
    """Every good row of the file as the kind's reader makes it, in the file's order;
    the problems of the others go to ``findings``.

    The rows are read in a reading transaction of their own: while the file is only
    checked, the database's write lock stays free.
    """
    from salon_tui.services.settings import load_shop_settings

    table, match = opened.table, opened.match
    positions = list(match.positions.items())
    keys = [key for key, _index in positions]
    indexes = [index for _key, index in positions]
    # The cells of a full row are picked in one C call; a short row (trailing empty
    # cells left out) key by key.
    pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    full_width = max(indexes) + 1
    try:
        with uow.read() as session:
            context = RowContext(
                options, session, load_shop_settings(session), carry=findings.carry
            )
            read_row = kind.read_row
            try:
                for row in table.rows:
                    findings.rows += 1
                    cells = row.cells
                    width = len(cells)
                    if width >= full_width:
                        values = dict(zip(keys, pick(cells), strict=True))
                    else:
                        values = {
                            key: cells[index] if index < width else None for key, index in positions
                        }
                    try:
                        record = read_row(context, row.number, values)
                    except RowProblems as found:
                        findings.found(found.problems)
                    else:
                        findings.good += 1
                        yield record
                    if progress is not None and findings.rows % 1000 == 0:
                        progress(findings.rows)
            except SpreadsheetError as error:
                raise ImportRefused(str(error)) from error
            finally:
                if context.overflow is not None:
                    context.overflow.close()
    finally:
        _close_rows(table)


def check_import(
    uow: UnitOfWork,
    actor: Actor,
    kind_name: str,
    path: Path,
    options: ImportOptions,
    progress: Progress | None = None,
) -> CheckedImport:
    """Read ``path`` as a stream and check every row; nothing is written.

    The rows are read in a reading transaction: the database's write lock is free
    while a large file is parsed and checked.
    """
    kind = kind_named(kind_name)
    require(actor, kind.permission)
    opened = _open(kind, path, options)
    good = _Spill(SLICE_ROWS)
    findings = _Findings()
    pack = kind.pack
    try:
        with _settled_objects_frozen():
            for record in _checked_rows(uow, kind, opened, options, findings, progress):
                good.add(record if pack is None else pack(record))
    except BaseException:
        good.close()
        raise
    report = findings.report(kind, path, opened, options.dry_run)
    return CheckedImport(
        kind.name, path, options, report, good, _sha256(path), opened.stamp, findings.carry
    )


def write_import(
    uow: UnitOfWork,
    actor: Actor,
    checked: CheckedImport,
    *,
    skip_invalid: bool | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Write the good rows of a checked file in one transaction, audited once.

    ``skip_invalid`` (default: as checked) allows writing the good rows of a file with
    problems. Refused when the file changed since it was checked. Inside the
    transaction every kind looks again for what is already here, so a record someone
    added meanwhile is matched, not duplicated; a clash the database still finds
    refuses the whole import.
    """
    kind = kind_named(checked.kind)
    require(actor, kind.permission)
    options = checked.options
    if skip_invalid is not None:
        options = replace(options, skip_invalid=skip_invalid)
    report = checked.report
    if not report.importable:
        raise ImportRefused(_("No row of {name} can be imported.").format(name=report.file))
    if report.problems and not options.skip_invalid:
        raise ImportRefused(
            _("{count} rows have problems: fix them, or import the good rows anyway.").format(
                count=report.rows_with_problems
            )
        )
    try:
        unchanged = _file_stamp(checked.path) == checked.stamp or (
            _sha256(checked.path) == checked.sha256
        )
    except OSError:
        unchanged = False
    if not unchanged:
        raise ImportRefused(
            _("{name} changed after it was checked: check it again.").format(name=report.file)
        )
    with _settled_objects_frozen():
        written, facts, currency = _write(
            uow,
            actor,
            kind,
            options,
            _counted(checked.slices(), progress),
            file_name=report.file,
            sha256=checked.sha256,
            carry=checked.carry,
            counts=lambda: (report.rows, report.rows_with_problems),
            streaming=False,
        )
    return replace(
        report,
        written=written,
        dry_run=False,
        opening={key: value for key, value in facts.items() if isinstance(value, int)},
        currency=currency,
    )


def _write(
    uow: UnitOfWork,
    actor: Actor,
    kind: ImportKind[Any],
    options: ImportOptions,
    slices: Iterator[list[Any]],
    *,
    file_name: str,
    sha256: str,
    carry: dict[str, Any],
    counts: Callable[[], tuple[int, int]],
    streaming: bool,
) -> tuple[dict[str, int], dict[str, Any], str]:
    """The kind's ``write`` of ``slices`` in one transaction, under one import batch and
    one audit entry: what it wrote, what it noted for the audit, the shop's currency.

    ``counts`` tells the file's rows and the rows skipped (asked again once the slices
    have run out: a streamed file is still being read when the transaction begins).
    """
    from sqlalchemy.exc import IntegrityError

    from salon_tui.data.models import ImportBatch
    from salon_tui.domain.clock import utc_now
    from salon_tui.services.settings import load_shop_settings

    try:
        with uow.transaction() as session, roomy_page_cache(session):
            rows, skipped = counts()
            batch = ImportBatch(
                kind=kind.name,
                file_name=file_name[:255],
                sha256=sha256,
                rows=rows,
                skipped=skipped,
                staff_id=actor.staff_id,
                staff_name=actor.name,
                at=utc_now(),
            )
            session.add(batch)
            session.flush()
            session.info[_BATCH_KEY] = batch
            session.info[_CARRY_KEY] = carry
            session.info[_STREAMING_KEY] = streaming
            currency = str(load_shop_settings(session).currency)
            try:
                written = kind.write(session, actor, slices, options)
                facts = session.info.get(_FACTS_KEY, {})
            finally:
                for key in (_BATCH_KEY, _FACTS_KEY, _CARRY_KEY, _STREAMING_KEY):
                    session.info.pop(key, None)
            rows, skipped = counts()
            batch.rows, batch.skipped = rows, skipped
            audit.record(
                session,
                actor,
                "import.run",
                "import",
                kind.name,
                after={
                    "file": file_name,
                    "sha256": sha256,
                    "rows": rows,
                    "written": written,
                    "skipped": skipped,
                    "batch": batch.id,
                    **facts,
                },
            )
    except IntegrityError as error:
        raise ImportRefused(
            _(
                "Something in {name} was changed in the shop while it was being imported; "
                "nothing was written: check the file again."
            ).format(name=file_name)
        ) from error
    return written, facts, currency


class _NothingToWrite(Exception):
    """A streamed import found a problem (and may not skip it), or no good row: its
    transaction is rolled back."""


def _check_and_write(
    uow: UnitOfWork,
    actor: Actor,
    kind: ImportKind[Any],
    path: Path,
    options: ImportOptions,
    progress: Progress | None,
    write_progress: Progress | None,
) -> ImportReport:
    """Check ``path`` and write its good rows as they are checked, in one transaction.

    The kind's ``write`` takes each slice of good rows as soon as it is full, while the
    rest of the file is still being read (by a second process for a large xlsx, which
    parses meanwhile). The first problem (unless ``skip_invalid``) rolls back what was
    written so far, and the rest of the file is only checked, for the full report:
    nothing is written, as when the check comes first. What is written and reported is
    the same as ``check_import`` then ``write_import``.
    """
    require(actor, kind.permission)
    opened = _open(kind, path, options)
    findings = _Findings()
    rows = _checked_rows(uow, kind, opened, options, findings, progress)

    def refused() -> bool:
        return bool(findings.problem_count) and not options.skip_invalid

    def slices() -> Iterator[list[Any]]:
        # Read inside the writing transaction (``uow.read`` gives its session): the
        # rows are checked against what the transaction sees.
        part: list[Any] = []
        for record in rows:
            if refused():
                break
            part.append(record)
            if len(part) >= SLICE_ROWS:
                yield part
                part = []
        if refused() or not findings.good:
            for _record in rows:  # the rest of the file, for the report
                pass
            raise _NothingToWrite
        if part:
            yield part
        if write_progress is not None:
            write_progress(findings.good)

    try:
        with _settled_objects_frozen():
            try:
                sha256 = _sha256(path)
                written, facts, currency = _write(
                    uow,
                    actor,
                    kind,
                    options,
                    slices(),
                    file_name=path.name,
                    sha256=sha256,
                    carry=findings.carry,
                    counts=lambda: (findings.rows, findings.bad_rows),
                    streaming=True,
                )
            except _NothingToWrite:  # rolled back
                return findings.report(kind, path, opened, options.dry_run)
            except OSError as error:
                raise ImportRefused(str(error)) from error
    finally:
        rows.close()
    return replace(
        findings.report(kind, path, opened, options.dry_run),
        written=written,
        opening={key: value for key, value in facts.items() if isinstance(value, int)},
        currency=currency,
    )


def _counted(slices: Iterator[list[Any]], progress: Progress | None) -> Iterator[list[Any]]:
    """The slices, telling ``progress`` how many rows were handed to the write so far."""
    done = 0
    for part in slices:
        if progress is not None and done:
            progress(done)
        yield part
        done += len(part)
    if progress is not None and done:
        progress(done)


def note_for_audit(session: Session, facts: dict[str, Any]) -> None:
    """Add ``facts`` (what a kind wrote besides its rows: opening balances …) to the
    import's one audit entry (inside ``write_import``). Counts noted again (one slice
    after another) add up."""
    current_batch(session)
    noted = session.info.setdefault(_FACTS_KEY, {})
    for key, value in facts.items():
        earlier = noted.get(key)
        if isinstance(value, int) and isinstance(earlier, int):
            noted[key] = earlier + value
        else:
            noted[key] = value


def carried(session: Session) -> dict[str, Any]:
    """What the check handed to the write (``RowContext.carry``; inside ``write_import``)."""
    current_batch(session)
    return session.info.get(_CARRY_KEY, {})  # type: ignore[no-any-return]


def streaming(session: Session) -> bool:
    """Whether the rows come while the file is still being read and checked (inside
    ``write_import`` or ``run_import``): what ``carried`` holds is then complete only
    once the slices have run out."""
    current_batch(session)
    return bool(session.info.get(_STREAMING_KEY))


def current_batch(session: Session) -> Any:
    """The ``ImportBatch`` being written in this transaction (inside ``write_import``)."""
    batch = session.info.get(_BATCH_KEY)
    if batch is None:
        raise RuntimeError("no import is being written in this transaction")
    return batch


def run_import(
    uow: UnitOfWork,
    actor: Actor,
    kind_name: str,
    path: Path,
    options: ImportOptions,
    progress: Progress | None = None,
    write_progress: Progress | None = None,
) -> ImportReport:
    """Check every row of ``path``; write the good ones in one transaction (see module).

    ``progress`` hears the rows checked so far; ``write_progress`` the rows written."""
    kind = kind_named(kind_name)
    if kind.streams and not options.dry_run:
        return _check_and_write(uow, actor, kind, path, options, progress, write_progress)
    checked = check_import(uow, actor, kind_name, path, options, progress)
    report = checked.report
    if options.dry_run or not report.importable or (report.problems and not options.skip_invalid):
        return report
    return write_import(uow, actor, checked, progress=write_progress)


def write_report(report: ImportReport, target: Path) -> None:
    """The problems as xlsx or csv, one row per problem."""
    if target.suffix.lower() == ".csv":
        write_csv(target, report.as_sheet())
    else:
        write_xlsx(target, [report.as_sheet()])


def problem(row: int, column: str, value: object, kind: str, message: str) -> Problem:
    return Problem(row, column, cell_text(value), kind, message)
