"""A purchase order as a sheet for the supplier (xlsx or csv): code, barcode, name, unit,
quantity, unit cost and line total."""

from __future__ import annotations

from pathlib import Path

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.permissions import require
from salon_tui.services.purchasing import get_order


def write_order_sheet(uow: UnitOfWork, actor: Actor, order_id: int, target: Path) -> Path:
    """The order as xlsx or csv for the supplier: code, barcode, name, quantity, cost."""
    from salon_tui.data.spreadsheets import Sheet, write_csv, write_xlsx
    from salon_tui.domain.money import to_decimal
    from salon_tui.services.settings import get_shop_settings

    require(actor, "purchasing.draft")
    suffix = target.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise ValidationError(_("Export to a .xlsx or .csv file."), field="target")
    if not target.parent.is_dir():
        raise ValidationError(
            _("The folder {folder} does not exist.").format(folder=target.parent), field="target"
        )
    order = get_order(uow, order_id)
    currency = get_shop_settings(uow).currency
    sheet = Sheet(
        order.number,
        [
            _("Code"),
            _("Barcode"),
            _("Item name"),
            _("Unit"),
            _("Quantity"),
            _("Unit cost"),
            _("Total"),
        ],
        [
            [
                line.sku,
                line.barcode or "",
                line.product_name,
                line.unit,
                line.quantity_ordered,
                to_decimal(line.unit_cost_cents, currency),
                to_decimal(line.unit_cost_cents * line.quantity_ordered, currency),
            ]
            for line in order.lines
        ],
    )
    if suffix == ".csv":
        write_csv(target, sheet)
    else:
        write_xlsx(target, [sheet])
    with uow.transaction() as session:
        audit.record(
            session,
            actor,
            "purchasing.export",
            "purchase_order",
            order_id,
            after={"file": target.name},
        )
    return target
