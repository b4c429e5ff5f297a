"""`salon import packages FILE`: package templates (次卡 · 疗程卡) from another system."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, PackageTemplate, PackageTemplateItem, Service
from tests.cli.conftest import OWNER_ENV

MENU = "编码,名称,英文名,分类,价格,时长\nW01,洗吹造型,Wash & blow-dry,hair,58,45\nT01,头皮护理,Scalp care,care,198,60\nC02,精剪,Precision cut,hair,128,45\n"
PACKAGES = (
    "套餐名称,售价,有效期,包含项目,可退\n"
    '头皮护理疗程 5+5,"￥1,980.00",120,"头皮护理:5；W01×5",是\n'
    "洗吹10次卡,480,180,洗吹造型 10次,是\n"
    ",100,30,W01:1,\n"
    "坏的,-5,0,不存在:3;C02:0,也许\n"
    "精剪6次卡,498,365,Precision cut:6,否\n"
    "洗吹10次卡,1,1,W01:1,\n"
)


def with_menu(run, tmp_path: Path) -> None:
    menu = tmp_path / "menu.csv"
    menu.write_text(MENU, encoding="utf-8")
    assert run("import", "services", str(menu), env=OWNER_ENV).exit_code == 0


def templates(reopen) -> dict[str, tuple[int, int, bool, list[tuple[str, int]]]]:
    with reopen().read() as session:
        found = {}
        for template in session.exec(select(PackageTemplate)):
            items = session.exec(
                select(Service.code, PackageTemplateItem.uses)
                .join(Service, col(Service.id) == col(PackageTemplateItem.service_id))
                .where(col(PackageTemplateItem.template_id) == template.id)
                .order_by(col(Service.code))
            ).all()
            found[template.name] = (
                template.price_cents,
                template.validity_days,
                template.refundable,
                [(code, uses) for code, uses in items],
            )
        return found


def test_a_dry_run_reports_each_problem_with_its_row_and_column_and_writes_nothing(
    run, initialised, tmp_path: Path, reopen
) -> None:
    with_menu(run, tmp_path)
    source = tmp_path / "packages.csv"
    source.write_bytes(PACKAGES.encode("gbk"))
    report = tmp_path / "report.xlsx"
    result = run(
        "import", "packages", str(source), "--dry-run", "--report", str(report), env=OWNER_ENV
    )
    assert result.exit_code == 1
    assert "6 rows, 3 importable, 3 with problems." in result.stdout
    rows = list(openpyxl.load_workbook(report).active.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[3]) for row in rows] == [
        (4, "name", "missing_name"),
        (5, "price", "negative_amount"),
        (5, "validity_days", "bad_validity"),
        (5, "items", "unknown_service"),
        (5, "items", "bad_uses"),
        (5, "refundable", "bad_flag"),
        (7, "name", "dup_name"),
    ]
    assert templates(reopen) == {}


def test_good_rows_import_in_one_go_and_a_second_import_adds_nothing(
    run, initialised, tmp_path: Path, reopen
) -> None:
    with_menu(run, tmp_path)
    source = tmp_path / "packages.csv"
    source.write_bytes(PACKAGES.encode("gbk"))
    assert run("import", "packages", str(source), env=OWNER_ENV).exit_code == 1
    assert templates(reopen) == {}
    done = run("import", "packages", str(source), "--skip-invalid", env=OWNER_ENV)
    assert done.exit_code == 0, done.stderr
    assert "added 3" in done.stdout
    expected = {
        "头皮护理疗程 5+5": (198_000, 120, True, [("T01", 5), ("W01", 5)]),
        "洗吹10次卡": (48_000, 180, True, [("W01", 10)]),
        "精剪6次卡": (49_800, 365, False, [("C02", 6)]),
    }
    assert templates(reopen) == expected
    again = run("import", "packages", str(source), "--skip-invalid", env=OWNER_ENV)
    assert "added 0, updated 0, unchanged 3" in again.stdout
    assert templates(reopen) == expected
    with reopen().read() as session:
        actions = [entry.action for entry in session.exec(select(AuditEntry))]
    assert actions.count("package.template_add") == 3
    assert actions.count("import.run") == 3  # the menu, then the packages twice


def test_update_refreshes_the_price_validity_and_services_of_a_template(
    run, initialised, tmp_path: Path, reopen
) -> None:
    with_menu(run, tmp_path)
    first = tmp_path / "first.csv"
    first.write_text("name,price,validity,services\n洗吹10次卡,480,180,W01:10\n", encoding="utf-8")
    assert run("import", "packages", str(first), env=OWNER_ENV).exit_code == 0
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "Package Name,Price,Valid Days,Items,Refundable\n洗吹10次卡,450,365,W01:8;T01:2,no\n",
        encoding="utf-8",
    )
    kept = run("import", "packages", str(changed), env=OWNER_ENV)
    assert "unchanged 1" in kept.stdout
    assert templates(reopen)["洗吹10次卡"] == (48_000, 180, True, [("W01", 10)])
    updated = run("import", "packages", str(changed), "--update", env=OWNER_ENV)
    assert "updated 1" in updated.stdout
    assert templates(reopen)["洗吹10次卡"] == (45_000, 365, False, [("T01", 2), ("W01", 8)])


def test_templates_exported_from_one_shop_import_into_another_unchanged(
    run, initialised, tmp_path: Path, reopen, salon_home: Path
) -> None:
    with_menu(run, tmp_path)
    source = tmp_path / "packages.csv"
    source.write_bytes(PACKAGES.encode("gbk"))
    run("import", "packages", str(source), "--skip-invalid", env=OWNER_ENV)
    out = tmp_path / "packages.xlsx"
    assert run("export", "packages", "--out", str(out), env=OWNER_ENV).exit_code == 0
    exported = templates(reopen)
    (salon_home / "salon.db").unlink()
    for suffix in ("-wal", "-shm"):
        (salon_home / f"salon.db{suffix}").unlink(missing_ok=True)
    assert (
        run(
            "init", "--shop", "新店", "--owner", "王芳", "--pin", "8888", "--currency", "CNY"
        ).exit_code
        == 0
    )
    with_menu(run, tmp_path)
    result = run("import", "packages", str(out), env=OWNER_ENV)
    assert result.exit_code == 0, result.stderr
    assert templates(reopen) == exported
