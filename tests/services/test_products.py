"""Products and suppliers: barcodes checked and unique, prices, lookups for checkout."""

from __future__ import annotations

from dataclasses import replace

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.services import products, suppliers
from tests.services.catalog_helpers import SHAMPOO_EAN, make_product, make_supplier


def test_a_product_is_found_by_barcode_code_and_name(uow: UnitOfWork, owner: Actor) -> None:
    make_supplier(uow, owner)
    added = make_product(uow, owner, supplier="欧莱雅专业")
    assert added.supplier_name == "欧莱雅专业"
    for code in (SHAMPOO_EAN, "sh01", "丝蛋白洗发水", "６９２０２０２８８８８８３"):
        assert products.find_product(uow, code).id == added.id
    assert [p.id for p in products.list_products(uow, query="sdb")] == [added.id]


def test_a_upc_a_scan_finds_the_product_stored_as_ean13(uow: UnitOfWork, owner: Actor) -> None:
    added = make_product(uow, owner, barcode="036000291452")
    assert added.barcode == "0036000291452"
    assert products.find_product(uow, "036000291452").id == added.id
    assert products.find_product(uow, "0036000291452").id == added.id


def test_a_barcode_with_a_wrong_check_digit_is_refused(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(ValidationError, match="check digit should be 3") as refused:
        make_product(uow, owner, barcode="6920202888884")
    assert refused.value.field == "barcode"
    assert products.list_products(uow, include_inactive=True) == []


def test_a_duplicate_barcode_or_code_is_refused(uow: UnitOfWork, owner: Actor) -> None:
    make_product(uow, owner)
    with pytest.raises(Conflict, match="already on 丝蛋白洗发水"):
        make_product(uow, owner, "SH02")
    with pytest.raises(Conflict, match="SH01 is already used"):
        make_product(uow, owner, "SH01", barcode="")
    assert len(products.list_products(uow)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retail_price_cents": 0}, "retail_price"),
        ({"retail_price_cents": -100}, "retail_price"),
        ({"min_stock": 5, "max_stock": 2}, "max_stock"),
        ({"use": "kitchen"}, "use"),
        ({"supplier": "nobody"}, "supplier"),
        ({"barcode": "12345678901"}, "barcode"),
    ],
)
def test_bad_product_input_is_refused(
    uow: UnitOfWork, owner: Actor, changes: dict[str, object], field: str
) -> None:
    product = make_product(uow, owner)
    draft = replace(products.current_product_draft(product), **changes)
    with pytest.raises(ValidationError) as refused:
        products.update_product(uow, owner, product.id, draft)
    assert refused.value.field == field
    assert products.get_product(uow, product.id) == product


def test_a_back_bar_product_may_have_no_retail_price(uow: UnitOfWork, owner: Actor) -> None:
    added = make_product(uow, owner, "CL01", barcode="", use="professional", price=0)
    assert added.is_professional and not added.is_retail
    assert [p.sku for p in products.list_products(uow, use=added.use)] == ["CL01"]


def test_an_unknown_code_says_what_was_looked_for(uow: UnitOfWork) -> None:
    with pytest.raises(NotFound, match="4006381333931"):
        products.find_product(uow, "4006381333931")


def test_supplier_names_are_unique(uow: UnitOfWork, owner: Actor) -> None:
    make_supplier(uow, owner, "Wella 威娜")
    with pytest.raises(Conflict):
        make_supplier(uow, owner, "wella  威娜")
    assert [s.name for s in suppliers.list_suppliers(uow)] == ["Wella 威娜"]
