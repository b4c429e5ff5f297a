"""Reading files from old systems safely; writing files that open right in Excel."""

from __future__ import annotations

import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from salon_tui.data.spreadsheets import (
    Sheet,
    SpreadsheetError,
    detect_encoding,
    read_table,
    write_csv,
    write_xlsx,
)


@pytest.mark.parametrize("name", ["members_legacy.xlsx", "members_legacy_gbk.csv"])
def test_the_legacy_member_files_read_alike(name: str) -> None:
    path = Path(__file__).resolve().parents[1] / "data" / "import" / name
    table = read_table(path)
    rows = list(table.rows)
    assert table.headers[:3] == ("会员卡号", "姓名", "手机号")
    assert len(rows) == 36
    assert rows[0].number == 2
    assert rows[0].cells[1] == "李莉"


def test_encodings_are_detected(tmp_path: Path) -> None:
    text = "姓名,手机\n张三,13800138000\n"
    for encoding, expected in [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030")]:
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        assert detect_encoding(path) == expected
        assert next(iter(read_table(path).rows)).cells == ("张三", "13800138000")


def test_a_file_in_a_wrong_given_encoding_is_refused_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("name\nok\n张三\n".encode("gbk"))
    with pytest.raises(SpreadsheetError, match="cannot be read as utf-8"):
        list(read_table(path, encoding="utf-8").rows)
    long_file = tmp_path / "long.csv"
    long_file.write_bytes(("name\n" + "ok\n" * 20_000).encode() + "张三\n".encode("gbk"))
    with pytest.raises(SpreadsheetError, match="after row"):
        list(read_table(long_file, encoding="utf-8").rows)


def test_a_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "import" / "members_legacy.xlsx"
    path = tmp_path / "cut.xlsx"
    path.write_bytes(source.read_bytes()[:3000])
    with pytest.raises(SpreadsheetError, match="damaged or truncated"):
        read_table(path)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    with pytest.raises(SpreadsheetError, match="zip bomb"):
        read_table(path)


def test_an_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "billion.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["name"])
    workbook.save(path)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol3;</workbook>'
    )
    rebuilt = _with_part_changed(
        path, tmp_path / "rebuilt.xlsx", "xl/workbook.xml", lambda _data: bomb.encode()
    )
    import time

    started = time.monotonic()
    with pytest.raises(SpreadsheetError):
        list(read_table(rebuilt).rows)
    assert time.monotonic() - started < 5  # the entities were never expanded


def test_a_one_megabyte_cell_is_reported_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("name,notes\nok,short\nbig," + "x" * 1_000_000 + "\n", encoding="utf-8")
    rows = read_table(path).rows
    assert next(rows).cells == ("ok", "short")
    with pytest.raises(SpreadsheetError, match="Row 3"):
        next(rows)


def test_a_million_rows_stream_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("name,phone\n")
        for index in range(1_000_000):
            handle.write(f"member {index},138{index:08d}\n")
    tracemalloc.start()
    count = sum(1 for _ in read_table(path).rows)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 1_000_000
    assert peak < 20_000_000


def test_exports_neutralise_formulas_and_keep_numbers_and_dates(tmp_path: Path) -> None:
    sheet = Sheet(
        "members",
        ["name", "balance", "joined"],
        [['=HYPERLINK("x")', Decimal("12.50"), date(2020, 2, 10)]],
    )
    xlsx, csv_path = tmp_path / "out.xlsx", tmp_path / "out.csv"
    write_xlsx(xlsx, [sheet])
    write_csv(csv_path, sheet)
    cells = next(openpyxl.load_workbook(xlsx).active.iter_rows(min_row=2, values_only=True))
    assert cells[0] == '\'=HYPERLINK("x")'
    assert cells[1] == 12.5
    assert cells[2].date() == date(2020, 2, 10)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in raw.decode("utf-8-sig")


def test_gbk_export_refuses_what_gbk_cannot_hold(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        write_csv(tmp_path / "x.csv", Sheet("s", ["name"], [["😀"]]), encoding="gbk")
    assert not (tmp_path / "x.csv").exists()


def test_a_formula_nobody_calculated_reads_as_what_was_typed(tmp_path: Path) -> None:
    """openpyxl writes formulas without cached values: the reader falls back to the text."""
    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "余额"])
    sheet.append(["张三", "=100+28"])
    sheet.append(["李四", 56])
    book.save(path)
    rows = [row.cells for row in read_table(path).rows]
    assert rows == [("张三", "=100+28"), ("李四", 56)]


def test_a_sheet_without_formulas_reads_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "生日"])
    sheet.append(["张三", date(1990, 3, 5)])
    sheet.append([None, None])
    sheet.append(["李四", None])
    book.save(path)
    opened: list[bool] = []
    real_load = openpyxl.load_workbook

    def counting_load(*args: object, **kwargs: object) -> object:
        opened.append(bool(kwargs.get("data_only")))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting_load)
    table = read_table(path)
    rows = [(row.number, row.cells) for row in table.rows]
    assert opened == [True]
    assert table.headers == ("姓名", "生日")
    assert rows[0][0] == 2 and rows[0][1][0] == "张三"
    assert rows[1][0] == 4 and rows[1][1][0] == "李四"


@pytest.mark.parametrize("write_only", [True, False])
def test_a_sheet_with_or_without_its_dimension_reads_as_openpyxl_reads_it(
    tmp_path: Path, write_only: bool
) -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from salon_tui.data import spreadsheets

    path = tmp_path / "members.xlsx"
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("会员") if write_only else book.active
    assert sheet is not None
    rows = [["会员卡号", "姓名", "手机号"], ["V1", "张三", "13800138000"], ["V2", "李四"]]
    rows += [[None, None, None], ["V3", None, "13900139000", None, "extra"]]
    for row in rows:
        sheet.append(row)
    book.save(path)
    # openpyxl's write-only mode writes no <dimension>: openpyxl then parses the whole
    # sheet to learn that, a search the reader leaves out. A normal workbook has one.
    assert spreadsheets._no_sheet_has_dimension(path) is write_only
    size = ReadOnlyWorksheet._get_size
    expected = openpyxl.load_workbook(path, read_only=True, data_only=True)
    wanted = [
        cells
        for cells in list(expected.worksheets[0].iter_rows(values_only=True))[1:]
        if any(cell not in (None, "") for cell in cells)
    ]
    expected.close()
    table = read_table(path)
    assert [row.cells for row in table.rows] == wanted
    assert ReadOnlyWorksheet._get_size is size  # put back


@pytest.fixture
def read_by_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every xlsx, however small, parsed by the second process (as a large one is)."""
    from salon_tui.data import spreadsheets

    monkeypatch.setattr(spreadsheets, "PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(spreadsheets.os, "cpu_count", lambda: 2)


def _processes_reading() -> list[str]:
    """This test process's own reading children (others may be importing meanwhile)."""
    import os

    mine = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # it ended meanwhile
        parent = next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:"))
        if int(parent) == os.getpid() and "salon_tui.data.spreadsheets" in command:
            mine.append(command)
    return mine


def _saved_book(path: Path, rows: list[list[object]]) -> Path:
    """``rows`` (the header first) saved as the only sheet of a workbook at ``path``."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _with_part_changed(
    source: Path, target: Path, part: str, change: Callable[[bytes], bytes]
) -> Path:
    """A copy of the xlsx ``source`` at ``target`` whose zip member ``part`` is
    ``change(its bytes)``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as out:
        for item in original.infolist():
            data = original.read(item)
            out.writestr(item, change(data) if item.filename == part else data)
    return target


def test_a_large_xlsx_read_by_a_process_gives_the_same_rows(
    tmp_path: Path, read_by_a_process: None
) -> None:
    from salon_tui.data import spreadsheets
    from salon_tui.i18n import install

    members: list[list[object]] = [
        [f"会员{index}", date(1990, 1, 1 + index % 28), index * 1.5, None]
        for index in range(5000)  # more than one batch
    ]
    path = _saved_book(
        tmp_path / "members.xlsx",
        [
            ["姓名", "生日", "余额", "备注"],
            *members,
            [None, None, None, None],
            ["=名字", "=1+2", 3, "末行"],  # a formula nobody calculated
        ],
    )
    headers, here = spreadsheets._xlsx_rows_here(path, None)
    wanted = [(row.number, row.cells) for row in here]
    table = read_table(path)
    assert table.headers == headers
    assert [(row.number, row.cells) for row in table.rows] == wanted
    assert wanted[-1] == (5003, ("=名字", "=1+2", 3, "末行"))
    # An error comes back translated, as from the reader in this process.
    install("zh_CN")
    with pytest.raises(SpreadsheetError, match="没有"):
        read_table(path, sheet="不存在")
    assert not _processes_reading()


def test_a_damaged_sheet_read_by_a_process_is_refused_with_a_message(
    tmp_path: Path, read_by_a_process: None
) -> None:
    path = _saved_book(
        tmp_path / "members.xlsx",
        [["姓名", "手机号"], *([f"会员{index}", f"138{index:08d}"] for index in range(3000))],
    )
    broken = _with_part_changed(
        path,
        tmp_path / "broken.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda data: data[: len(data) // 2],  # the XML stops in the middle of the rows
    )
    table = read_table(broken)
    with pytest.raises(SpreadsheetError, match="could not be read"):
        list(table.rows)
    assert not _processes_reading()


def test_stopping_early_ends_the_reading_process(tmp_path: Path, read_by_a_process: None) -> None:
    path = _saved_book(
        tmp_path / "members.xlsx", [["姓名"], *([f"会员{index}"] for index in range(20_000))]
    )
    rows = read_table(path).rows
    assert next(rows).cells == ("会员0",)
    assert _processes_reading()  # parsed over there
    rows.close()  # type: ignore[attr-defined]
    assert not _processes_reading()


def test_a_reading_process_started_ahead_is_taken_over_or_ended(
    tmp_path: Path, read_by_a_process: None
) -> None:
    """``start_reading`` (the command line, before it logs in) starts the parsing; the
    ``read_table`` of that file and sheet takes the process over and reads the same rows;
    a file changed meanwhile is read afresh; ``stop_started`` ends one nobody took."""
    from salon_tui.data import spreadsheets

    path = _saved_book(
        tmp_path / "members.xlsx", [["姓名"], *([f"会员{index}"] for index in range(3000))]
    )
    spreadsheets.start_reading(path, None)
    spreadsheets.start_reading(path, None)  # once per file and sheet
    assert len(spreadsheets._STARTED) == 1
    ((_stamp, reader),) = spreadsheets._STARTED.values()
    rows = read_table(path).rows
    assert next(rows).cells == ("会员0",)
    assert not spreadsheets._STARTED  # taken over
    assert len(_processes_reading()) == 1 and reader.poll() is None  # no second one
    assert [row.cells for row in rows][-1] == ("会员2999",)
    assert not _processes_reading() and reader.returncode is not None

    spreadsheets.start_reading(path, None)
    _saved_book(path, [["姓名"], ["后来的"]])  # changed after it was started
    assert [row.cells for row in read_table(path).rows] == [("后来的",)]
    assert not _processes_reading()

    spreadsheets.start_reading(path, "会员")  # another sheet than the one read
    spreadsheets.start_reading(tmp_path / "missing.xlsx", None)  # nothing to start
    text = tmp_path / "members.csv"
    text.write_text("姓名\n王芳\n", encoding="utf-8")
    spreadsheets.start_reading(text, None)  # a csv is read here
    assert len(spreadsheets._STARTED) == 1
    ((_stamp, reader),) = spreadsheets._STARTED.values()
    spreadsheets.stop_started()
    assert not spreadsheets._STARTED and reader.returncode is not None
    assert not _processes_reading()
