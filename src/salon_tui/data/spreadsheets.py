"""Reading and writing spreadsheets: xlsx through openpyxl, CSV in UTF-8 or GBK.

Reading streams row by row (openpyxl read-only mode, the csv module), so a file of a
million rows stays in bounded memory. An xlsx is checked for zip bombs before openpyxl
opens it; openpyxl parses XML through defusedxml (installed with salon_tui) against XML
bombs. A CSV's encoding is found as: byte-order mark, then strict UTF-8, then GB18030
(which covers GBK), unless one is given.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import threading
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salon_tui.domain.tabular import neutralise
from salon_tui.i18n import _

MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell
MAX_UNCOMPRESSED_BYTES = 2_000_000_000
MAX_COMPRESSION_RATIO = 200
SAMPLE_BYTES = 1 << 20


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message says why."""


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: Iterator[Row]
    encoding: str | None


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` with a BOM, ``utf-8`` when every byte decodes, else ``gb18030``."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        try:
            for chunk in iter(lambda: handle.read(SAMPLE_BYTES), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise SpreadsheetError(
            _("{name} is not a readable xlsx file (damaged or truncated).").format(name=path.name)
        ) from error
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise SpreadsheetError(
            _("{name} unpacks to far more than its size (a zip bomb?); not read.").format(
                name=path.name
            )
        )


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[tuple[str, ...], Iterator[Row]]:
    _check_zip(path)
    if _worth_a_reading_process(path):
        return _xlsx_rows_from_a_process(path, sheet)
    return _xlsx_rows_here(path, sheet)


# --- a large xlsx is parsed by a second process ------------------------------------------
#
# openpyxl's parsing is most of an xlsx import's time, and it is pure Python: a thread
# would share the interpreter's lock with the checking it should overlap. A second
# process parses the sheet and sends its rows in batches through a pipe while this one
# checks them. The pipe blocks the reader when this side falls behind, so memory stays
# bounded; errors come back as the same translated ``SpreadsheetError``. Small files
# (and one-core machines) are read here: starting a process costs about half a second.

PROCESS_MIN_BYTES = 2 << 20  # an xlsx of this size holds some 30,000 rows
_BATCH_ROWS = 2000


def _worth_a_reading_process(path: Path) -> bool:
    return (os.cpu_count() or 1) > 1 and path.stat().st_size >= PROCESS_MIN_BYTES


def _xlsx_rows_from_a_process(
    path: Path, sheet: str | None
) -> tuple[tuple[str, ...], Iterator[Row]]:
    """The rows of ``path``, parsed by ``python -m salon_tui.data.spreadsheets``.

    A plain subprocess, not ``multiprocessing``: its spawn start re-runs the caller's
    main script, and forking the app's threads is unsafe. The batches come back pickled
    on the child's stdout (it is our own child, and cells may be dates).
    """
    import pickle

    reader = _take_started(path, sheet) or _start_reading_process(path, sheet)
    pipe = reader.stdout
    assert pipe is not None

    def receive() -> tuple[str, Any]:
        try:
            message: tuple[str, Any] = pickle.load(pipe)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise SpreadsheetError(
                _("{name} could not be read: the reading process stopped.").format(name=path.name)
            ) from None
        return message

    def stop() -> None:
        _stop(reader)

    try:
        what, payload = receive()
        if what != "header":
            raise SpreadsheetError(payload)
    except BaseException:
        stop()
        raise

    def rows() -> Iterator[Row]:
        try:
            while True:
                what, payload = receive()
                if what == "rows":
                    for number, cells in payload:
                        yield Row(number, cells)
                elif what == "end":
                    return
                else:
                    raise SpreadsheetError(payload)
        finally:
            stop()

    return payload, rows()


def _start_reading_process(path: Path, sheet: str | None) -> Any:
    """The reading process of ``path`` (``subprocess.Popen``), started."""
    import subprocess
    import sys

    import salon_tui
    from salon_tui.i18n import current_locale

    package_root = str(Path(salon_tui.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (package_root, env.get("PYTHONPATH", "")) if part
    )
    reader = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "salon_tui.data.spreadsheets",
            str(path),
            sheet if sheet is not None else "",
            current_locale(),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the TUI owns the terminal; errors come as messages
        env=env,
    )
    assert reader.stdout is not None
    _widen(reader.stdout)
    return reader


# Reading processes started ahead (``start_reading``), by file, sheet and file stamp.
_STARTED: dict[tuple[str, str | None], tuple[tuple[int, int], Any]] = {}


def start_reading(path: Path, sheet: str | None) -> None:
    """Start parsing ``path`` now when ``read_table`` will give it to a reading process:
    the command line does so before it logs in and opens the shop, so the parsing goes
    on meanwhile. A ``read_table`` of the same file and sheet takes the process over;
    ``stop_started`` ends one nobody took. Nothing happens for another file (or when
    it cannot be read: ``read_table`` says why)."""
    try:
        if path.suffix.lower() not in {".xlsx", ".xlsm"} or not path.is_file():
            return
        if not _worth_a_reading_process(path):
            return
        _check_zip(path)
        key = (str(path.resolve()), sheet)
        if key in _STARTED:
            return
        stamp = _stamp(path)
        _STARTED[key] = (stamp, _start_reading_process(path, sheet))
    except (SpreadsheetError, OSError):
        return


def stop_started() -> None:
    """End the reading processes ``start_reading`` started that nobody took."""
    while _STARTED:
        _key, (_stamp_then, reader) = _STARTED.popitem()
        _stop(reader)


def _take_started(path: Path, sheet: str | None) -> Any:
    """The reading process started ahead for ``path`` and ``sheet``, if the file is as
    it was then (else that process is ended, and the file read afresh)."""
    try:
        key, stamp = (str(path.resolve()), sheet), _stamp(path)
    except OSError:
        return None
    started = _STARTED.pop(key, None)
    if started is None:
        return None
    stamp_then, reader = started
    if stamp_then == stamp:
        return reader  # even when done: what it sent waits in the pipe
    _stop(reader)
    return None


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _stop(reader: Any) -> None:
    if reader.stdout is not None:
        reader.stdout.close()
    if reader.poll() is None:
        reader.kill()
    reader.wait()


# Bytes the pipe holds: the reading process goes on parsing while this one is busy a
# while (writing a slice of rows it checked) instead of waiting for it (Linux's default
# pipe holds 64 KiB, less than one batch).
PIPE_BYTES = 1 << 20


def _widen(pipe: Any) -> None:
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # another system, or a limit set lower: the default size works, slower


def _reading_process(path_text: str, sheet: str, locale: str) -> None:
    """In the reading process: the header, then batches of rows, then "end" or "error"."""
    import pickle
    import sys

    from salon_tui.i18n import install

    install(locale)
    path = Path(path_text)
    out = sys.stdout.buffer

    def send(message: tuple[str, Any]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        try:
            headers, rows = _xlsx_rows_here(path, sheet or None)
            send(("header", headers))
            batch: list[tuple[int, tuple[Any, ...]]] = []
            for row in rows:
                batch.append((row.number, row.cells))
                if len(batch) == _BATCH_ROWS:
                    send(("rows", batch))
                    batch = []
            if batch:
                send(("rows", batch))
            send(("end", None))
        except SpreadsheetError as error:
            send(("error", str(error)))
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception as error:  # a damaged file: said to the importer, not a crash
            send(
                (
                    "error",
                    _("{name} could not be read safely: {detail}").format(
                        name=path.name, detail=type(error).__name__
                    ),
                )
            )
    except (BrokenPipeError, ConnectionResetError):
        pass  # the importer stopped reading


def _xlsx_rows_here(path: Path, sheet: str | None) -> tuple[tuple[str, ...], Iterator[Row]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = _open_read_only(path)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError(
            _("{name} is not a readable xlsx file (damaged or truncated).").format(name=path.name)
        ) from error
    except Exception as error:  # defusedxml raises its own errors on entity tricks
        raise SpreadsheetError(
            _("{name} could not be read safely: {detail}").format(
                name=path.name, detail=type(error).__name__
            )
        ) from error
    if sheet is not None and sheet not in workbook.sheetnames:
        names = ", ".join(workbook.sheetnames)
        workbook.close()
        raise SpreadsheetError(
            _("There is no sheet {sheet!r}; the sheets are: {names}.").format(
                sheet=sheet, names=names
            )
        )
    if not workbook.worksheets:
        workbook.close()
        raise SpreadsheetError(_("{name} has no sheets.").format(name=path.name))
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    values = worksheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None:
        workbook.close()
        raise SpreadsheetError(_("{name} is empty.").format(name=path.name))
    if not _has_formulas(path, workbook, worksheet.title):
        # Most exports hold plain values: one pass, as fast as openpyxl reads.
        def plain() -> Iterator[Row]:
            try:
                for number, cells in enumerate(values, start=2):
                    # Not every cell None or "" (counted in C, not a generator per row).
                    if cells and cells.count(None) + cells.count("") < len(cells):
                        yield Row(number, tuple(cells))
            finally:
                workbook.close()

        return _header(header), plain()
    # A formula nobody calculated (no cached value) reads as None with data_only; the
    # same sheet read for formulas gives its text, which is what the person typed.
    typed = openpyxl.load_workbook(path, read_only=True, data_only=False)
    formulas = typed[worksheet.title].iter_rows(values_only=True)
    next(formulas, None)

    def rows() -> Iterator[Row]:
        try:
            for number, (cells, typed_cells) in enumerate(
                zip(values, formulas, strict=False), start=2
            ):
                merged = tuple(
                    cell
                    if cell is not None
                    or index >= len(typed_cells)
                    or not isinstance(typed_cells[index], str)
                    else typed_cells[index]
                    for index, cell in enumerate(cells)
                )
                if merged and any(cell not in (None, "") for cell in merged):
                    yield Row(number, merged)
        finally:
            workbook.close()
            typed.close()

    return _header(header), rows()


def _open_read_only(path: Path) -> Any:
    """openpyxl's read-only workbook of ``path``.

    Opening a sheet, openpyxl looks for its ``<dimension>``; when there is none (files
    written by openpyxl's write-only mode and other exporters) it finds out by parsing
    the whole sheet, a second reading as long as the real one. When no sheet of the file
    has one — seen in the first bytes of each sheet, before its data — that search is
    left out: openpyxl then reads the rows exactly as when its search comes back empty.
    """
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if not _no_sheet_has_dimension(path):
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    with _SKIP_DIMENSION_SEARCH:
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = lambda self: None
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
        finally:
            ReadOnlyWorksheet._get_size = original


_SKIP_DIMENSION_SEARCH = threading.Lock()
_SHEET_HEAD_BYTES = 1 << 16


def _no_sheet_has_dimension(path: Path) -> bool:
    """True when every worksheet of ``path`` starts its data without a ``<dimension>``."""
    with zipfile.ZipFile(path) as archive:
        parts = [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        ]
        if not parts:
            return False
        for part in parts:
            with archive.open(part) as stream:
                head = stream.read(_SHEET_HEAD_BYTES)
            data = head.find(b"sheetData")
            if data < 0 or b"dimension" in head[:data]:
                return False
    return True


def _header(cells: Sequence[Any]) -> tuple[str, ...]:
    return tuple("" if cell is None else str(cell).strip() for cell in cells)


def _has_formulas(path: Path, workbook: Any, title: str) -> bool:
    """Whether the sheet's XML holds any formula (``<f>``), read as a stream of bytes."""
    part = _sheet_part(path, workbook, title)
    if part is None:
        return True  # cannot tell: take the careful way
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            window = tail + chunk
            if b"<f>" in window or b"<f " in window or b":f>" in window or b":f " in window:
                return True
            tail = chunk[-8:]
    return False


def _sheet_part(path: Path, workbook: Any, title: str) -> str | None:
    """The zip member holding the sheet called ``title``, from openpyxl's own reading."""
    try:
        worksheet = workbook[title]
        name = getattr(worksheet, "_worksheet_path", None) or getattr(worksheet, "path", None)
    except KeyError:
        return None
    if not name:
        return None
    name = str(name).lstrip("/")
    with zipfile.ZipFile(path) as archive:
        return name if name in archive.namelist() else None


def _csv_rows(path: Path, encoding: str) -> tuple[tuple[str, ...], Iterator[Row]]:
    csv.field_size_limit(MAX_CELL_CHARACTERS * 4)
    handle = path.open("r", encoding=encoding, newline="", errors="strict")
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as error:
        handle.close()
        raise SpreadsheetError(
            _("{name} cannot be read as {encoding} text: {detail}").format(
                name=path.name, encoding=encoding, detail=error
            )
        ) from error
    if header is None:
        handle.close()
        raise SpreadsheetError(_("{name} is empty.").format(name=path.name))

    def rows() -> Iterator[Row]:
        try:
            number = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise SpreadsheetError(
                        _("Row {row}: {detail}").format(row=number + 1, detail=error)
                    ) from error
                except UnicodeDecodeError as error:
                    raise SpreadsheetError(
                        _("The file stops being valid {encoding} text after row {row}.").format(
                            row=number, encoding=encoding
                        )
                    ) from error
                number = reader.line_num
                if "".join(cells).strip():  # some cell holds more than blanks
                    yield Row(number, tuple(cells))
        finally:
            handle.close()

    return tuple(cell.strip() for cell in header), rows()


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """The header and a lazy stream of non-empty rows of ``path`` (.xlsx or .csv)."""
    if not path.is_file():
        raise SpreadsheetError(_("There is no file at {path}.").format(path=path))
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        headers, rows = _xlsx_rows(path, sheet)
        return Table(headers, rows, None)
    if suffix in {".csv", ".txt"}:
        chosen = encoding or detect_encoding(path)
        try:
            codecs.lookup(chosen)
        except LookupError:
            raise SpreadsheetError(
                _("Unknown encoding {encoding!r}.").format(encoding=chosen)
            ) from None
        headers, rows = _csv_rows(path, chosen)
        return Table(headers, rows, chosen)
    raise SpreadsheetError(
        _("{name}: only .xlsx and .csv files can be read.").format(name=path.name)
    )


@dataclass(frozen=True)
class Sheet:
    """One table to write: a title, headers, and rows of plain values.

    Numbers stay numbers and dates stay dates; text that would run as a formula is
    neutralised in CSV and xlsx alike.
    """

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]]


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        worksheet.append([neutralise(header) for header in sheet.headers])
        for row in sheet.rows:
            worksheet.append([neutralise(cell) for cell in row])
    temporary = path.with_name(path.name + ".partial")
    workbook.save(temporary)
    temporary.replace(path)


def write_csv(path: Path, sheet: Sheet, *, encoding: str = "utf-8-sig") -> None:
    """UTF-8 with a BOM (Excel opens it right) or GBK; unencodable characters refused."""
    temporary = path.with_name(path.name + ".partial")
    with temporary.open("w", encoding=encoding, newline="", errors="strict") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(header) for header in sheet.headers])
        for row in sheet.rows:
            writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    temporary.replace(path)


def rows_as_text(sheet: Sheet) -> str:
    """A sheet as CSV text (for reports shown on a terminal or piped)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


if __name__ == "__main__":  # the reading process of a large xlsx (see above)
    import sys

    _reading_process(*sys.argv[1:4])
