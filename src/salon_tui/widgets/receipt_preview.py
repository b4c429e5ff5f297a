"""A receipt on screen exactly as wide as on paper (CJK counted as two columns)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from salon_tui.i18n import N_, _


class ReceiptPreview(Static):
    """The lines of ``services.printing.preview_receipt`` / ``preview_job``, on white paper."""

    DEFAULT_CSS = """
    ReceiptPreview {
        background: #f4f1ea;
        color: #1a1a1a;
        padding: 1 2;
        width: auto;
        height: auto;
    }
    """

    def __init__(self, lines: list[str], columns: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lines = lines
        self.columns = columns

    def on_mount(self) -> None:
        self.show(self.lines, self.columns)

    def show(self, lines: list[str], columns: int) -> None:
        self.lines, self.columns = lines, columns
        self.styles.width = columns + 4
        self.update(Text("\n".join(lines), no_wrap=True, overflow="crop"))


class ReceiptPreviewModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]
    DEFAULT_CSS = """
    ReceiptPreviewModal { align: center middle; }
    ReceiptPreviewModal > Vertical { width: auto; height: 90%; border: round $primary; }
    ReceiptPreviewModal VerticalScroll { width: auto; height: 1fr; }
    """

    def __init__(self, title: str, lines: list[str], columns: int) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.columns = columns

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{self.title_text}[/b]  ({_('Esc to close')})")
            with VerticalScroll():
                yield ReceiptPreview(self.lines, self.columns, id="receipt-preview")

    def action_close(self) -> None:
        self.dismiss(None)
