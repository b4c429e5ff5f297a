"""The services and products import kinds on real exports, and the catalogue exports
that read back in unchanged."""

from __future__ import annotations

from pathlib import Path

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import catalog, exports, imports, products, stock_levels

DATA = Path(__file__).resolve().parents[1] / "data"
TORONTO = DATA / "real" / "hair-salon-toronto-2018"


def test_the_sample_menu_imports_with_its_chinese_categories(uow: UnitOfWork, owner: Actor) -> None:
    report = imports.run_import(
        uow, owner, "services", DATA / "import" / "services.csv", imports.ImportOptions()
    )
    assert (report.rows, report.importable, report.problems) == (6, 6, [])
    assert report.written == {"added": 6, "updated": 0, "unchanged": 0, "categories": 5}
    colour = catalog.find_service(uow, "S006")
    assert (colour.name, colour.category_name, colour.price_cents, colour.duration_min) == (
        "染发",
        "烫染",
        48800,
        120,
    )
    again = imports.run_import(
        uow, owner, "services", DATA / "import" / "services.csv", imports.ImportOptions()
    )
    assert again.written["unchanged"] == 6
    assert len(catalog.list_services(uow)) == 6


def test_a_real_product_list_reports_its_bad_rows_and_writes_nothing(
    uow: UnitOfWork, owner: Actor
) -> None:
    report = imports.run_import(
        uow, owner, "products", TORONTO / "products.csv", imports.ImportOptions()
    )
    assert (report.rows, report.importable) == (101, 99)
    assert sorted((p.row, p.column, p.kind) for p in report.problems) == [
        (36, "name", "missing_name"),
        (36, "price", "missing_price"),
        (53, "cost", "bad_amount"),
    ]
    assert set(report.unknown_columns) == {"COG", "YTD", "Package"}
    assert report.written == {}
    assert products.list_products(uow, include_inactive=True) == []


def test_skipping_invalid_rows_imports_products_with_opening_stock(
    uow: UnitOfWork, owner: Actor
) -> None:
    report = imports.run_import(
        uow,
        owner,
        "products",
        TORONTO / "products.csv",
        imports.ImportOptions(skip_invalid=True),
    )
    assert report.written["added"] == 99
    assert report.written["suppliers"] == 4
    boost = products.find_product(uow, "agboost355ml")
    assert (boost.on_hand, boost.cost_cents, boost.retail_price_cents) == (3, 1800, 3000)
    assert products.find_product(uow, "KM AGL 150ML").supplier_name == "TBBS"
    with uow.read() as session:
        assert stock_levels.check_stock_ledger(session) == []


def test_exported_catalogue_imports_into_a_new_shop_unchanged(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    imports.run_import(
        uow, owner, "services", TORONTO / "services.csv", imports.ImportOptions(skip_invalid=True)
    )
    imports.run_import(
        uow, owner, "products", TORONTO / "products.csv", imports.ImportOptions(skip_invalid=True)
    )
    exports.export(uow, owner, "products", tmp_path / "products.xlsx")
    exports.export(uow, owner, "services", tmp_path / "services.csv")
    before = [
        (p.sku, p.barcode, p.retail_price_cents, p.on_hand) for p in products.list_products(uow)
    ]
    menu = [(s.code, s.name, s.price_cents) for s in catalog.list_services(uow)]
    with uow.transaction() as session:
        from sqlalchemy import text

        for table in ("stock_movement", "product", "supplier", "service", "service_category"):
            session.exec(text(f"DELETE FROM {table}"))  # type: ignore[call-overload]
    imports.run_import(uow, owner, "products", tmp_path / "products.xlsx", imports.ImportOptions())
    imports.run_import(uow, owner, "services", tmp_path / "services.csv", imports.ImportOptions())
    after = [
        (p.sku, p.barcode, p.retail_price_cents, p.on_hand) for p in products.list_products(uow)
    ]
    assert sorted(after) == sorted(before)
    assert sorted((s.code, s.name, s.price_cents) for s in catalog.list_services(uow)) == sorted(
        menu
    )
