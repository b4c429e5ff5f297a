"""`salon import` and `salon export` on the kinds the foundation has (staff, audit)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from sqlmodel import select

from salon_tui.data.models import Staff
from tests.cli.conftest import OWNER_ENV
from tests.peers import libreoffice_convert

STAFF_FILE = "姓名,角色,密码\nKevin 刘洋,发型师,2222\n李娜,前台,12\n,店长,1234\nAmy,美甲师,3333\nKevin 刘洋,发型师,2222\n"


def staff_names(reopen) -> list[str]:
    with reopen().read() as session:
        return sorted(person.name for person in session.exec(select(Staff)))


def test_a_dry_run_reports_every_problem_with_its_row_and_writes_nothing(
    run, initialised, tmp_path: Path, reopen
) -> None:
    source = tmp_path / "staff.csv"
    source.write_bytes(STAFF_FILE.encode("gbk"))
    report = tmp_path / "report.xlsx"
    result = run(
        "import", "staff", str(source), "--dry-run", "--report", str(report), env=OWNER_ENV
    )
    assert result.exit_code == 1
    assert "5 rows, 2 importable, 3 with problems." in result.stdout
    rows = list(openpyxl.load_workbook(report).active.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[3]) for row in rows] == [
        (3, "bad_pin"),
        (4, "missing_name"),
        (6, "dup_name"),
    ]
    assert staff_names(reopen) == ["王芳"]


def test_a_file_with_problems_imports_nothing_unless_told_to_skip(
    run, initialised, tmp_path: Path, reopen
) -> None:
    source = tmp_path / "staff.csv"
    source.write_text(STAFF_FILE, encoding="utf-8")
    refused = run("import", "staff", str(source), env=OWNER_ENV)
    assert refused.exit_code == 1
    assert staff_names(reopen) == ["王芳"]
    done = run("import", "staff", str(source), "--skip-invalid", env=OWNER_ENV)
    assert done.exit_code == 0
    assert staff_names(reopen) == ["Amy", "Kevin 刘洋", "王芳"]
    again = run("import", "staff", str(source), "--skip-invalid", env=OWNER_ENV)
    assert "added 0, unchanged 2" in again.stdout
    assert staff_names(reopen) == ["Amy", "Kevin 刘洋", "王芳"]


def test_a_file_without_a_header_row_is_refused(run, initialised, tmp_path: Path) -> None:
    source = tmp_path / "staff.csv"
    source.write_text("Kevin,stylist,2222\nAmy,stylist,3333\n", encoding="utf-8")
    result = run("import", "staff", str(source), env=OWNER_ENV)
    assert result.exit_code == 1
    assert "header row" in result.stderr


def test_an_unknown_kind_lists_the_known_ones(run, initialised, tmp_path: Path) -> None:
    result = run("import", "unicorns", str(tmp_path / "x.csv"), env=OWNER_ENV)
    assert result.exit_code == 1
    assert "staff" in result.stderr


def test_export_all_has_a_readme_sheet_and_one_sheet_per_kind(
    run, initialised, tmp_path: Path
) -> None:
    out = tmp_path / "everything.xlsx"
    result = run("export", "all", "--out", str(out), env=OWNER_ENV)
    assert result.exit_code == 0, result.stderr
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == "README"
    assert {"Staff", "Audit log"} <= set(workbook.sheetnames)
    readme = [row[:2] for row in workbook["README"].iter_rows(min_row=2, values_only=True)]
    assert ("Staff", "Name") in readme


def test_export_to_csv_refuses_all_and_an_unwritable_folder(
    run, initialised, tmp_path: Path
) -> None:
    assert run("export", "all", "--out", str(tmp_path / "x.csv"), env=OWNER_ENV).exit_code == 1
    assert (
        run(
            "export", "staff", "--out", str(tmp_path / "missing" / "x.csv"), env=OWNER_ENV
        ).exit_code
        == 1
    )


def test_an_injected_name_exports_as_text_and_survives_libreoffice(
    run, initialised, tmp_path: Path
) -> None:
    run(
        "staff",
        "add",
        '=HYPERLINK("http://x","点我")',
        "--role",
        "stylist",
        "--pin",
        "1234",
        env=OWNER_ENV,
    )
    out = tmp_path / "staff.xlsx"
    assert run("export", "staff", "--out", str(out), env=OWNER_ENV).exit_code == 0
    converted = libreoffice_convert(out, "csv", tmp_path / "lo")
    with converted.open(encoding="utf-8") as handle:
        names = [row[1] for row in csv.reader(handle)][1:]
    assert '\'=HYPERLINK("http://x","点我")' in names
    assert "王芳" in names
