"""Floor for the start-up figure: a bare Textual app painting one line of text."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("bare textual ready")


if __name__ == "__main__":
    Bare().run()
