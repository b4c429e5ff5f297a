"""The ``packages`` export kind: the package templates the shop sells, in the columns the
``packages`` import reads, so they go out and come back in unchanged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from salon_tui.data.models import PackageTemplate, PackageTemplateItem, Service
from salon_tui.domain.money import to_decimal
from salon_tui.i18n import N_
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register
from salon_tui.services.settings import load_shop_settings


def _template_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    with request.uow.read() as session:
        currency = load_shop_settings(session).currency
        items: dict[int, list[str]] = defaultdict(list)
        for template_id, code, uses in session.execute(
            select(
                col(PackageTemplateItem.template_id),
                col(Service.code),
                col(PackageTemplateItem.uses),
            )
            .join(Service, col(Service.id) == col(PackageTemplateItem.service_id))
            .order_by(col(PackageTemplateItem.id))
        ):
            items[int(template_id)].append(f"{code}:{uses}")
        for template in session.execute(
            select(PackageTemplate).order_by(col(PackageTemplate.name))
        ).scalars():
            assert template.id is not None
            yield [
                template.name,
                to_decimal(template.price_cents, currency),
                template.validity_days,
                ";".join(items.get(template.id, [])),
                template.refundable,
                template.active,
            ]


register(
    ExportKind(
        name="packages",
        title=N_("Package templates"),
        permission="prepaid.view",
        columns=(
            ExportColumn(N_("name"), N_("The package's name (次卡 · 疗程卡).")),
            ExportColumn(N_("price"), N_("Its price in the shop's currency.")),
            ExportColumn(N_("validity_days"), N_("Days it can be used from the day it is sold.")),
            ExportColumn(N_("items"), N_("Its services and their uses, CODE:USES;CODE:USES.")),
            ExportColumn(N_("refundable"), N_("True when unused uses may be refunded pro rata.")),
            ExportColumn(N_("active"), N_("False once retired; sold packages stay valid.")),
        ),
        rows=_template_rows,
    )
)
