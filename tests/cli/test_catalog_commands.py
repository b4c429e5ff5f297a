"""`salon service|product|supplier|stock|po`: what a person types, and what is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from salon_tui.services import catalog, products, purchasing, stock_levels
from tests.cli.conftest import OWNER_ENV


@pytest.fixture
def menu(run, initialised) -> None:
    steps = [
        ("supplier", "add", "欧莱雅专业", "--contact", "周经理", "--lead-time", "5"),
        (
            "product",
            "add",
            "SH01",
            "丝蛋白洗发水",
            "--barcode",
            "6920202888883",
            "--price",
            "168",
            "--cost",
            "70",
            "--supplier",
            "欧莱雅专业",
            "--unit",
            "瓶",
            "--min",
            "3",
            "--max",
            "12",
        ),
        ("product", "add", "CL01", "染膏 6/0", "--use", "professional", "--unit", "g"),
        ("service", "add-category", "烫染", "--name-en", "Perm & colour"),
        (
            "service",
            "add",
            "S006",
            "染发",
            "--category",
            "烫染",
            "--price",
            "488",
            "--duration",
            "120",
            "--processing",
            "35",
            "--level-price",
            "总监=688",
            "--uses",
            "CL01=60",
            "--patch-test",
        ),
    ]
    for step in steps:
        result = run(*step, env=OWNER_ENV)
        assert result.exit_code == 0, (step, result.output)


def test_the_menu_and_products_are_stored_and_listed_as_json(run, menu, reopen) -> None:
    uow = reopen()
    service = catalog.find_service(uow, "S006")
    assert service.price_for_level("总监") == 68800
    assert [(i.sku, i.quantity) for i in service.recipe] == [("CL01", 60)]
    listed = json.loads(run("product", "list", "--json").output)
    assert [(p["sku"], p["barcode"], p["retail_price_cents"]) for p in listed] == [
        ("SH01", "6920202888883", 16800),
        ("CL01", None, 0),
    ]
    shown = json.loads(run("service", "show", "s006", "--json").output)
    assert shown["needs_patch_test"] is True


def test_a_wrong_check_digit_is_refused_and_nothing_is_added(run, menu, reopen) -> None:
    result = run(
        "product",
        "add",
        "SH02",
        "护发素",
        "--barcode",
        "6920202888884",
        "--price",
        "98",
        env=OWNER_ENV,
    )
    assert result.exit_code == 1
    assert "check digit should be 3" in result.output
    assert [p.sku for p in products.list_products(reopen())] == ["SH01", "CL01"]


def test_receiving_adjusting_and_using_stock_moves_the_ledger(run, menu, reopen) -> None:
    assert (
        run("stock", "receive", "6920202888883", "5", "--cost", "72", env=OWNER_ENV).exit_code == 0
    )
    assert run("stock", "receive", "CL01", "500", env=OWNER_ENV).exit_code == 0
    assert run("stock", "adjust", "SH01", "-1", "--reason", "damaged", env=OWNER_ENV).exit_code == 0
    assert run("stock", "use", "S006", env=OWNER_ENV).exit_code == 0
    uow = reopen()
    assert products.find_product(uow, "SH01").on_hand == 4
    assert products.find_product(uow, "CL01").on_hand == 440
    history = json.loads(run("stock", "history", "SH01", "--json", env=OWNER_ENV).output)
    assert [(m["kind"], m["quantity"]) for m in history] == [("receive", 5), ("adjust", -1)]
    refused = run("stock", "adjust", "SH01", "-9", "--reason", "expired", env=OWNER_ENV)
    assert refused.exit_code == 1 and "Only 4" in refused.output


def test_low_stock_and_a_purchase_order_from_its_suggestions(
    run, menu, reopen, tmp_path: Path
) -> None:
    low = json.loads(run("stock", "low", "--json", env=OWNER_ENV).output)
    assert [(line["sku"], line["suggested"]) for line in low] == [("SH01", 12)]
    assert run("po", "create", "欧莱雅专业", "--suggested", env=OWNER_ENV).exit_code == 0
    for verb in ("approve", "send"):
        assert run("po", verb, "PO00001", env=OWNER_ENV).exit_code == 0
    assert run("po", "receive", "1", "--line", "SH01=5@65", env=OWNER_ENV).exit_code == 0
    over = run("po", "receive", "1", "--line", "SH01=9", env=OWNER_ENV)
    assert over.exit_code == 1 and "More than ordered" in over.output
    assert run("po", "receive", "1", "--all", env=OWNER_ENV).exit_code == 0
    sheet = tmp_path / "po.xlsx"
    assert run("po", "export", "1", str(sheet), env=OWNER_ENV).exit_code == 0
    assert sheet.exists()
    uow = reopen()
    assert purchasing.get_order(uow, 1).status.value == "received"
    assert products.find_product(uow, "SH01").on_hand == 12


def test_a_stocktake_from_start_to_post(run, menu, reopen) -> None:
    run("stock", "receive", "SH01", "6", env=OWNER_ENV)
    assert run("stock", "count", "start", env=OWNER_ENV).exit_code == 0
    assert run("stock", "count", "record", "6920202888883", "4", env=OWNER_ENV).exit_code == 0
    shown = json.loads(run("stock", "count", "show", "--json", env=OWNER_ENV).output)
    assert [
        (line["sku"], line["variance"]) for line in shown["lines"] if line["counted"] is not None
    ] == [("SH01", -2)]
    assert run("stock", "count", "post", env=OWNER_ENV).exit_code == 0
    again = run("stock", "count", "post", "1", env=OWNER_ENV)
    assert again.exit_code == 1 and "already posted" in again.output
    uow = reopen()
    assert products.find_product(uow, "SH01").on_hand == 4
    with uow.read() as session:
        assert stock_levels.check_stock_ledger(session) == []


def test_the_inventory_report_and_the_catalogue_files(run, menu, reopen, tmp_path: Path) -> None:
    run("stock", "receive", "SH01", "2", env=OWNER_ENV)
    report = run("report", "inventory", "--json", env=OWNER_ENV)
    assert report.exit_code == 0, report.output
    sections = {s["key"]: s for s in json.loads(report.output)["sections"]}
    assert [(r["sku"], r["suggested"]) for r in sections["reorder"]["rows"]] == [("SH01", 10)]
    out = tmp_path / "products.csv"
    assert run("export", "products", "--out", str(out), env=OWNER_ENV).exit_code == 0
    assert "6920202888883" in out.read_text(encoding="utf-8-sig")
    menu_file = Path(__file__).resolve().parents[1] / "data" / "import" / "services.csv"
    imported = run("import", "services", str(menu_file), env=OWNER_ENV)
    assert imported.exit_code == 0, imported.output
    assert "added 5" in imported.output and "unchanged 1" in imported.output
    assert len(catalog.list_services(reopen())) == 6


def test_a_count_sheet_goes_out_comes_back_through_libreoffice_and_is_recorded(
    run, menu, reopen, tmp_path: Path
) -> None:
    import csv as csv_module

    from tests.peers import libreoffice_convert

    run("stock", "receive", "SH01", "6", env=OWNER_ENV)
    assert run("stock", "count", "start", env=OWNER_ENV).exit_code == 0
    sheet = tmp_path / "count.xlsx"
    written = run("stock", "count", "sheet", "--out", str(sheet), env=OWNER_ENV)
    assert written.exit_code == 0, written.output
    # The shop counts in LibreOffice: open the sheet, fill in the counted column, save as csv.
    as_csv = libreoffice_convert(sheet, "csv", tmp_path / "lo")
    with as_csv.open(encoding="utf-8") as handle:
        rows = list(csv_module.reader(handle))
    assert sorted(row[0] for row in rows[1:]) == ["CL01", "SH01"]
    assert rows[1][-1] == ""  # a blind count: nothing filled in yet
    filled = tmp_path / "filled.csv"
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_module.writer(handle)
        writer.writerow(rows[0])
        for row in rows[1:]:
            writer.writerow([*row[:-1], {"SH01": "5", "CL01": "十二"}[row[0]]])
    back_to_xlsx = libreoffice_convert(filled, "xlsx", tmp_path / "lo2")
    bad = run("stock", "count", "import", str(back_to_xlsx), env=OWNER_ENV)
    assert bad.exit_code == 1 and "nothing was recorded" in bad.output  # 十二 is not a number
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_module.writer(handle)
        writer.writerow(rows[0])
        for row in rows[1:]:
            writer.writerow([*row[:-1], {"SH01": "5", "CL01": "120"}[row[0]]])
    back_to_xlsx = libreoffice_convert(filled, "xlsx", tmp_path / "lo3")
    dry = run("stock", "count", "import", str(back_to_xlsx), "--dry-run", env=OWNER_ENV)
    assert dry.exit_code == 0, dry.output
    done = run("stock", "count", "import", str(back_to_xlsx), env=OWNER_ENV)
    assert done.exit_code == 0, done.output
    shown = json.loads(run("stock", "count", "show", "--json", env=OWNER_ENV).output)
    assert {line["sku"]: line["counted"] for line in shown["lines"]} == {"SH01": 5, "CL01": 120}
