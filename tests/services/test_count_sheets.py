"""Count sheets: a stocktake out to xlsx/csv and back, all or nothing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import ValidationError
from salon_tui.services import inventory, stocktake, stocktake_sheets
from tests.services.catalog_helpers import COLOUR_EAN, SHAMPOO_EAN, make_product


@pytest.fixture
def count_id(uow: UnitOfWork, owner: Actor) -> int:
    shampoo = make_product(uow, owner)
    colour = make_product(uow, owner, "CL01", barcode=COLOUR_EAN, name="染膏 6.0", unit="支")
    make_product(uow, owner, "OIL1", barcode="", name="护发精油")
    inventory.receive(uow, owner, shampoo.id, 10, unit_cost_cents=7000)
    inventory.receive(uow, owner, colour.id, 5, unit_cost_cents=4000)
    return stocktake.start_count(uow, owner).id


def counted(uow: UnitOfWork, count: int) -> dict[str, int | None]:
    return {line.sku: line.counted for line in stocktake.get_count(uow, count).lines}


def test_a_sheet_goes_out_blind_is_filled_in_and_comes_back(
    uow: UnitOfWork, owner: Actor, count_id: int, tmp_path: Path
) -> None:
    sheet = stocktake_sheets.write_count_sheet(uow, owner, count_id, tmp_path / "count.xlsx")
    book = openpyxl.load_workbook(sheet)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("Code", "Barcode", "Item name", "Unit", "Counted")
    assert {row[0]: row[1:] for row in rows[1:]}["CL01"] == (COLOUR_EAN, "染膏 6.0", "支", None)
    for row in book.active.iter_rows(min_row=2):
        row[4].value = {"SH01": 8, "CL01": 5}.get(row[0].value)  # the oil is left blank
    book.save(sheet)
    reading = stocktake_sheets.read_count_sheet(uow, owner, count_id, sheet)
    assert (reading.counted, reading.left_blank, reading.problems) == (2, 1, [])
    assert counted(uow, count_id) == {"SH01": 8, "CL01": 5, "OIL1": None}


def test_one_bad_row_records_nothing_and_every_problem_is_named(
    uow: UnitOfWork, owner: Actor, count_id: int, tmp_path: Path
) -> None:
    sheet = tmp_path / "back.csv"
    sheet.write_text(
        "条码,实盘数量\n"
        f"{SHAMPOO_EAN},9\n"
        f"{COLOUR_EAN},-1\n"
        "4006381333948,3\n"
        f"{SHAMPOO_EAN},2\n"
        f"{COLOUR_EAN},2.5\n",
        encoding="utf-8",
    )
    reading = stocktake_sheets.read_count_sheet(uow, owner, count_id, sheet)
    assert reading.counted == 0
    assert [(p.row, p.value) for p in reading.problems] == [
        (3, "-1"),
        (4, "4006381333948"),
        (5, "SH01"),
        (6, "2.5"),
    ]
    assert "twice (first on row 2)" in reading.problems[2].message
    assert counted(uow, count_id) == {"SH01": None, "CL01": None, "OIL1": None}


def test_a_dry_run_checks_and_records_nothing_and_a_posted_count_refuses(
    uow: UnitOfWork, owner: Actor, count_id: int, tmp_path: Path
) -> None:
    sheet = stocktake_sheets.write_count_sheet(
        uow, owner, count_id, tmp_path / "count.csv", with_on_hand=True
    )
    text = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "Code,Barcode,Item name,Unit,On hand,Counted"
    assert any(line.startswith("SH01,") and line.endswith(",10,") for line in text)
    sheet.write_text("\n".join([text[0], *(line + "4" for line in text[1:])]), encoding="utf-8-sig")
    dry = stocktake_sheets.read_count_sheet(uow, owner, count_id, sheet, dry_run=True)
    assert (dry.counted, dry.problems, dry.dry_run) == (3, [], True)
    assert counted(uow, count_id)["SH01"] is None
    stocktake_sheets.read_count_sheet(uow, owner, count_id, sheet)
    stocktake.post_count(uow, owner, count_id)
    with pytest.raises(ValidationError, match="only an open stocktake"):
        stocktake_sheets.read_count_sheet(uow, owner, count_id, sheet)
    with pytest.raises(ValidationError, match="only an open stocktake"):
        stocktake_sheets.write_count_sheet(uow, owner, count_id, tmp_path / "again.xlsx")


def test_a_sheet_without_the_columns_or_a_wrong_file_is_refused(
    uow: UnitOfWork, owner: Actor, count_id: int, tmp_path: Path
) -> None:
    sheet = tmp_path / "odd.csv"
    sheet.write_text("name,qty\n染膏,3\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="Counted column and a Code or Barcode"):
        stocktake_sheets.read_count_sheet(uow, owner, count_id, sheet)
    with pytest.raises(ValidationError, match="no file"):
        stocktake_sheets.read_count_sheet(uow, owner, count_id, tmp_path / "missing.xlsx")
    with pytest.raises(ValidationError, match=".xlsx or .csv"):
        stocktake_sheets.write_count_sheet(uow, owner, count_id, tmp_path / "count.pdf")
