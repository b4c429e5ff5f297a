"""Shows a ``ReportResult``: each section as a table, with its chart above when it has one.

The same view serves the Reports screen and any area that shows a report in place (the
day close's Z report). Money arrives in minor units and is formatted here, in the shop's
locale; charts plot the money in major units so the axis reads like the table.
"""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from salon_tui.domain.money import to_decimal
from salon_tui.i18n import _
from salon_tui.services.reports import Chart, Kind, ReportResult, Section, display_value

# (plotext colour, the same colour in Rich markup)
SERIES_COLORS: tuple[tuple[str, str], ...] = (
    ("blue+", "bright_blue"),
    ("orange+", "bright_yellow"),
    ("green+", "bright_green"),
    ("red+", "bright_red"),
    ("magenta+", "bright_magenta"),
)


MAX_TICKS = 6


class ReportChart(PlotextPlot):
    """A bar or line chart of one section, drawn with plotext in the terminal."""

    DEFAULT_CSS = """
    ReportChart { height: 16; }
    """

    def __init__(self, section: Section, chart: Chart, currency: str) -> None:
        super().__init__(classes="report-chart")
        self.section = section
        self.chart = chart
        self.currency = currency

    def on_mount(self) -> None:
        super().on_mount()
        columns = {column.key: column for column in self.section.columns}
        labels = [str(row.get(self.chart.category, "")) for row in self.section.rows]
        plt = self.plt
        plt.title(self.chart.title or self.section.title)
        for key in self.chart.values:
            column = columns[key]
            # Display only: the chart's axis in yuan, not fen. The table keeps exact figures.
            values = [
                float(to_decimal(int(row.get(key) or 0), self.currency))
                if column.kind is Kind.MONEY
                else float(row.get(key) or 0)
                for row in self.section.rows
            ]
            color = SERIES_COLORS[self.chart.values.index(key) % len(SERIES_COLORS)][0]
            # No plotext legend: it counts a Chinese character as one column and breaks
            # the frame. ChartLegend draws it outside, in the same colours.
            positions = list(range(1, len(labels) + 1))
            if self.chart.kind == "line":
                plt.plot(positions, values, marker="braille", color=color)
            else:
                plt.bar(positions, values, color=color)
        # Our own ticks, at most MAX_TICKS evenly spaced: plotext's own choice of which
        # labels to drop changes from one drawing to the next.
        step = max(1, -(-len(labels) // MAX_TICKS))
        shown = list(range(1, len(labels) + 1, step))
        plt.xticks([float(position) for position in shown], [labels[p - 1] for p in shown])


class ChartLegend(Static):
    """Which colour is which series, drawn by Textual (wide characters measure right)."""

    def __init__(self, section: Section, chart: Chart) -> None:
        headers = {column.key: column.header for column in section.columns}
        parts = [
            f"[{SERIES_COLORS[index % len(SERIES_COLORS)][1]}]██[/] {escape(headers[key])}"
            for index, key in enumerate(chart.values)
        ]
        super().__init__("   ".join(parts), classes="report-legend")


class ReportView(Vertical):
    """Every section of one report, top to bottom."""

    DEFAULT_CSS = """
    ReportView { height: auto; }
    ReportView .report-section-title { text-style: bold; margin-top: 1; }
    ReportView DataTable { height: auto; max-height: 24; }
    ReportView .report-legend { padding: 0 4; }
    """

    def __init__(self, result: ReportResult, locale: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.result = result
        self.locale = locale

    def compose(self) -> ComposeResult:
        result = self.result
        heading = result.title
        if result.store is not None:
            heading += f"   {result.store.code} {result.store.name}".rstrip()
        heading += f"   {result.period.label()}" if result.period else ""
        yield Static(f"[b]{heading}[/b]", classes="report-title", markup=True)
        for section in result.sections:
            yield Static(section.title, classes="report-section-title", markup=False)
            if not section.rows:
                yield Static(_("Nothing in this period."), classes="hint")
                continue
            if section.chart is not None and len(section.rows) > 1:
                yield ChartLegend(section, section.chart)
                yield ReportChart(section, section.chart, result.currency)
            table: DataTable[str] = DataTable(
                classes="report-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns(*(column.header for column in section.columns))
            for row in section.rows:
                table.add_row(
                    *(
                        display_value(column, row.get(column.key), result.currency, self.locale)
                        for column in section.columns
                    )
                )
            yield table
        for note in result.notes:
            yield Static(note, classes="hint", markup=False)
