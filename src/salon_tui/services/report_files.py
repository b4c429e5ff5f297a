"""Reports as files: CSV and xlsx (one sheet per section, numbers as numbers, charts)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from salon_tui.domain.money import to_decimal
from salon_tui.domain.tabular import neutralise
from salon_tui.services.reports import Kind, ReportColumn, ReportResult


def cell_value(column: ReportColumn, value: Any, currency: str) -> Any:
    """What a file cell holds: money in whole units, percentages as fractions."""
    if value is None:
        return None
    if column.kind is Kind.MONEY:
        return to_decimal(int(value), currency)
    if column.kind is Kind.PERCENT:
        return Decimal(int(value)) / Decimal(10_000)
    return value


def to_csv_text(result: ReportResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, section in enumerate(result.sections):
        if index:
            writer.writerow([])
        if len(result.sections) > 1:
            writer.writerow([neutralise(section.title)])
        writer.writerow([neutralise(column.header) for column in section.columns])
        for row in section.rows:
            writer.writerow(
                [
                    ""
                    if (v := cell_value(c, row.get(c.key), result.currency)) is None
                    else neutralise(v)
                    for c in section.columns
                ]
            )
    return buffer.getvalue()


def write_csv(result: ReportResult, target: Path, encoding: str = "utf-8-sig") -> None:
    temporary = target.with_name(target.name + ".partial")
    temporary.write_text(to_csv_text(result), encoding=encoding)
    temporary.replace(target)


def write_xlsx(result: ReportResult, target: Path) -> None:
    import openpyxl
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for section in result.sections:
        sheet = workbook.create_sheet(title=_sheet_title(section.title, workbook.sheetnames))
        sheet.append([neutralise(column.header) for column in section.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append(
                [
                    neutralise(cell_value(c, row.get(c.key), result.currency))
                    for c in section.columns
                ]
            )
        for index, column in enumerate(section.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            if column.kind is Kind.MONEY:
                for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cells[0].number_format = "#,##0.00"
            elif column.kind is Kind.PERCENT:
                for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cells[0].number_format = "0.0%"
            sheet.column_dimensions[letter].width = max(10, min(40, len(column.header) * 2 + 4))
        chart = section.chart
        if chart is not None and section.rows:
            keys = [column.key for column in section.columns]
            plot = LineChart() if chart.kind == "line" else BarChart()
            plot.title = chart.title or section.title
            last_row = len(section.rows) + 1
            for value_key in chart.values:
                column_index = keys.index(value_key) + 1
                plot.add_data(
                    Reference(sheet, min_col=column_index, min_row=1, max_row=last_row),
                    titles_from_data=True,
                )
            category_index = keys.index(chart.category) + 1
            plot.set_categories(
                Reference(sheet, min_col=category_index, min_row=2, max_row=last_row)
            )
            plot.width, plot.height = 18, 9
            sheet.add_chart(plot, f"{sheet.cell(row=1, column=len(keys) + 2).column_letter}2")
    temporary = target.with_name(target.name + ".partial")
    workbook.save(temporary)
    temporary.replace(target)


def _sheet_title(title: str, taken: list[str]) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title)[:31] or "Sheet"
    candidate, number = cleaned, 2
    while candidate in taken:
        candidate = f"{cleaned[:28]} {number}"
        number += 1
    return candidate
