"""Count sheets: a stocktake printed or exported to xlsx/csv, filled in on the shop floor
(or in Excel), and read back into the same stocktake.

The sheet lists the stocktake's products by code, barcode, name and unit, with what was
counted so far. The shelf count is blind by default (no "on hand" column, so the counter
writes what they see); ``with_on_hand`` adds it for shops that count against the book.
Reading back is all or nothing: every row is checked first (a code that names no product
of this stocktake, a quantity that is not a whole number from 0 up, a product twice) and
one problem means nothing is recorded. An empty "counted" cell leaves that product as it
was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from salon_tui.data.spreadsheets import Sheet, SpreadsheetError, read_table, write_csv, write_xlsx
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tabular import Column, cell_text, match_headers
from salon_tui.errors import ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services.inventory import QUANTITY_LIMIT
from salon_tui.services.permissions import require
from salon_tui.services.stocktake import get_count, record_counts

HEADERS = {
    "code": (N_("Code"), "编码", "商品编码", "货号", "SKU"),
    "barcode": (N_("Barcode"), "条码", "条形码", "EAN"),
    "counted": (N_("Counted"), "盘点数量", "实盘数量", "实盘", "数量", "qty"),
}


def _columns() -> tuple[Column, ...]:
    """The headers a sheet may use: ours in English and in the language on screen (the
    sheet was written in one of them), and what people type."""
    return tuple(
        Column(key, (*synonyms, _(synonyms[0])), required=key == "counted")
        for key, synonyms in HEADERS.items()
    )


@dataclass(frozen=True)
class SheetProblem:
    row: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class SheetReading:
    count_id: int
    counted: int  # products recorded (0 when there were problems or on a dry run)
    left_blank: int
    problems: list[SheetProblem] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)
    dry_run: bool = False


def write_count_sheet(
    uow: UnitOfWork, actor: Actor, count_id: int, target: Path, *, with_on_hand: bool = False
) -> Path:
    """The stocktake's products as .xlsx or .csv, to count on paper or in Excel."""
    require(actor, "inventory.count")
    suffix = target.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise ValidationError(_("Export to a .xlsx or .csv file."), field="target")
    if not target.parent.is_dir():
        raise ValidationError(
            _("The folder {folder} does not exist.").format(folder=target.parent), field="target"
        )
    view = get_count(uow, count_id)
    if view.status != "open":
        raise ValidationError(
            _("Stocktake #{id} is {status}: only an open stocktake is counted.").format(
                id=count_id, status=view.status_label
            )
        )
    headers = [_("Code"), _("Barcode"), _("Item name"), _("Unit")]
    if with_on_hand:
        headers.append(_("On hand"))
    headers.append(_("Counted"))
    rows = []
    for line in view.lines:
        row: list[object] = [line.sku, line.barcode or "", line.product_name, line.unit]
        if with_on_hand:
            row.append(line.expected)
        row.append(line.counted)
        rows.append(row)
    sheet = Sheet(_("Stocktake {id}").format(id=count_id), headers, rows)
    if suffix == ".xlsx":
        write_xlsx(target, [sheet])
    else:
        write_csv(target, sheet)
    return target


def _quantity(text: str) -> int | None:
    cleaned = text.replace(",", "").strip()
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.isdigit():
        return None
    value = int(cleaned)
    return value if value <= QUANTITY_LIMIT else None


def read_count_sheet(
    uow: UnitOfWork,
    actor: Actor,
    count_id: int,
    source: Path,
    *,
    dry_run: bool = False,
    encoding: str | None = None,
) -> SheetReading:
    """Check every row of a filled-in count sheet, then record all of it or nothing."""
    require(actor, "inventory.count")
    view = get_count(uow, count_id)
    if view.status != "open":
        raise ValidationError(
            _("Stocktake #{id} is {status}: only an open stocktake is counted.").format(
                id=count_id, status=view.status_label
            )
        )
    try:
        table = read_table(source, encoding=encoding)
    except SpreadsheetError as error:
        raise ValidationError(str(error), field="file") from None
    matched = match_headers(table.headers, _columns())
    if "counted" in matched.missing or not (
        "code" in matched.positions or "barcode" in matched.positions
    ):
        raise ValidationError(
            _("The sheet needs a Counted column and a Code or Barcode column."), field="file"
        )
    by_code = {line.sku.casefold(): line for line in view.lines}
    by_barcode = {line.barcode: line for line in view.lines if line.barcode}
    problems: list[SheetProblem] = []
    counted: dict[int, tuple[str, int, int]] = {}  # product id → (code, quantity, row)
    blank = 0

    def cell(cells: tuple[object, ...], key: str) -> str:
        position = matched.positions.get(key)
        if position is None or position >= len(cells):
            return ""
        return cell_text(cells[position])

    counted_header = table.headers[matched.positions["counted"]]
    for row in table.rows:
        code, barcode, quantity_text = (
            cell(row.cells, key) for key in ("code", "barcode", "counted")
        )
        line = by_code.get(code.casefold()) if code else None
        if line is None and barcode:
            line = by_barcode.get(barcode)
        if line is None:
            shown = code or barcode
            problems.append(
                SheetProblem(
                    row.number,
                    _("Code"),
                    shown,
                    _("No product of stocktake #{id} has this code or barcode.").format(id=count_id)
                    if shown
                    else _("A row without a code or barcode."),
                )
            )
            continue
        if not quantity_text:
            blank += 1
            continue
        quantity = _quantity(quantity_text)
        if quantity is None:
            problems.append(
                SheetProblem(
                    row.number,
                    counted_header,
                    quantity_text,
                    _("A counted quantity is a whole number from 0 to {limit}.").format(
                        limit=QUANTITY_LIMIT
                    ),
                )
            )
            continue
        if line.product_id in counted:
            problems.append(
                SheetProblem(
                    row.number,
                    _("Code"),
                    line.sku,
                    _("{name} is on the sheet twice (first on row {row}).").format(
                        name=line.product_name, row=counted[line.product_id][2]
                    ),
                )
            )
            continue
        counted[line.product_id] = (line.sku, quantity, row.number)
    recorded = 0
    if not problems and not dry_run and counted:
        recorded = record_counts(
            uow, actor, count_id, [(code, quantity) for code, quantity, _row in counted.values()]
        )
    return SheetReading(
        count_id=count_id,
        counted=recorded if not dry_run else (0 if problems else len(counted)),
        left_blank=blank,
        problems=problems,
        unknown_headers=matched.unknown,
        dry_run=dry_run,
    )
