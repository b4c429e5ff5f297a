"""One CLI shape for every report, checked with a small report registered by the test."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from salon_tui.domain.permissions import MANAGERS, PERMISSION_MATRIX
from salon_tui.services import reports
from salon_tui.services.reports import Chart, Kind, ReportColumn, ReportResult, ReportSpec, Section
from tests.cli.conftest import OWNER_ENV


def _build(uow, actor, request):
    rows = [
        {"day": request.period.start, "revenue": 12850, "share": 2500, "sales": 3},
        {"day": request.period.end, "revenue": 100, "share": 7500, "sales": 1},
    ]
    columns = [
        ReportColumn("day", "Day", Kind.DATE),
        ReportColumn("revenue", "Revenue", Kind.MONEY),
        ReportColumn("share", "Share", Kind.PERCENT),
        ReportColumn("sales", "Sales", Kind.INT),
    ]
    return ReportResult(
        "probe",
        "Probe",
        request.period,
        "CNY",
        [
            Section("days", "By day", columns, rows, Chart("bar", "day", ("revenue",))),
            Section("empty", "Nothing", columns, []),
        ],
    )


@pytest.fixture(autouse=True)
def probe_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PERMISSION_MATRIX, "report.probe", MANAGERS)
    monkeypatch.setitem(
        reports.REPORTS,
        "probe",
        ReportSpec("probe", "Probe", "A probe report.", "report.probe", _build),
    )


def test_report_list_names_every_report(run, initialised) -> None:
    result = run("report", "list")
    assert result.exit_code == 0
    assert "probe" in result.stdout and "A probe report." in result.stdout


def test_json_is_stable_with_money_in_minor_units(run, initialised) -> None:
    result = run("report", "probe", "--month", "2026-10", "--json", env=OWNER_ENV)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"] == {"from": "2026-10-01", "to": "2026-10-31"}
    assert data["currency"] == "CNY"
    assert data["sections"][0]["rows"][0] == {
        "day": "2026-10-01",
        "revenue": 12850,
        "share": 2500,
        "sales": 3,
    }
    assert data["sections"][0]["columns"][1] == {
        "key": "revenue",
        "header": "Revenue",
        "kind": "money",
    }


def test_xlsx_has_real_numbers_and_a_chart(run, initialised, tmp_path: Path) -> None:
    out = tmp_path / "probe.xlsx"
    result = run(
        "report",
        "probe",
        "--date",
        "2026-11-01",
        "--format",
        "xlsx",
        "--out",
        str(out),
        env=OWNER_ENV,
    )
    assert result.exit_code == 0, result.stderr
    workbook = openpyxl.load_workbook(out)
    sheet = workbook["By day"]
    assert sheet["B2"].value == 128.5
    assert sheet["C2"].value == 0.25
    import zipfile

    with zipfile.ZipFile(out) as archive:  # openpyxl does not load charts back: look inside
        assert [name for name in archive.namelist() if name.startswith("xl/charts/chart")] == [
            "xl/charts/chart1.xml"
        ]


def test_table_output_formats_money_and_says_when_a_section_is_empty(run, initialised) -> None:
    result = run("report", "probe", "--date", "2026-11-01", env=OWNER_ENV)
    assert result.exit_code == 0
    assert "¥128.50" in result.stdout
    assert "Nothing: nothing in this period." in result.stdout


def test_bad_periods_and_names_are_usage_errors(run, initialised) -> None:
    backwards = run("report", "probe", "--from", "2026-11-10", "--to", "2026-11-01", env=OWNER_ENV)
    assert backwards.exit_code == 2 and "before it starts" in backwards.stderr
    unknown = run("report", "nonsense", env=OWNER_ENV)
    assert unknown.exit_code == 1 and "probe" in unknown.stderr
    assert run("report", "probe", "--format", "xlsx", env=OWNER_ENV).exit_code == 2


def test_a_role_without_the_permission_is_refused(run, initialised) -> None:
    run("staff", "add", "Sty", "--role", "stylist", "--pin", "1234", env=OWNER_ENV)
    result = run("report", "probe", env={"SALON_STAFF": "Sty", "SALON_PIN": "1234"})
    assert result.exit_code == 1
    assert "not allowed" in result.stderr


def test_the_coupons_report_as_json_names_its_sections(run, initialised) -> None:
    import json

    from tests.cli.conftest import OWNER_ENV

    result = run("report", "coupons", "--month", "2026-11", "--format", "json", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["key"] for s in data["sections"]] == ["by_template", "by_campaign", "sales"]
    assert data["sections"][2]["rows"][1]["sales"] == 0
