"""Settings → Scanner: which scanner, how fast it types, what ends a scan; try it here."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, RichLog, Static

from salon_tui.config import SCANNER_TERMINATORS, ScannerConfig
from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.devices import SCANNER_STATE_LABELS, Scanned
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

TERMINATOR_LABELS = {
    "enter": N_("Enter"),
    "kpenter": N_("Keypad Enter"),
    "tab": N_("Tab"),
}


class ScannerSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "close", N_("Back")),
    ]

    def compose(self) -> ComposeResult:
        scanner = self.salon.hub.config.scanner if self.salon.hub.config else ScannerConfig()
        yield ShopHeader(N_("Settings → Scanner"))
        with Horizontal(id="scanner-settings"):
            with VerticalScroll(id="scanner-form", classes="form"):
                yield Checkbox(
                    _("Use a barcode scanner on this computer"), scanner.enabled, id="enabled"
                )
                yield Label(_("Scanner (by-id path, vendor:product or name; empty: find it)"))
                yield Input(scanner.device, id="device", placeholder="05e0:1200")
                yield Label(_("Longest gap between a scanner's keys, ms (Bluetooth: 50–80)"))
                yield Input(str(scanner.max_gap_ms), id="max_gap_ms", type="integer", max_length=3)
                yield Label(_("Shortest code taken as a scan"))
                yield Input(str(scanner.min_length), id="min_length", type="integer", max_length=2)
                yield Label(_("Keys that end a scan"))
                for name in SCANNER_TERMINATORS:
                    yield Checkbox(
                        _(TERMINATOR_LABELS[name]), name in scanner.terminators, id=f"end-{name}"
                    )
                yield Checkbox(
                    _("Keep the scanner's keys away from other programs (grab)"),
                    scanner.grab,
                    id="grab",
                )
                yield Checkbox(
                    _("Also take fast key bursts as scans (scanner typing as a keyboard)"),
                    scanner.keyboard_bursts,
                    id="keyboard_bursts",
                )
                yield Static("", id="form-message")
                with Horizontal(classes="buttons"):
                    yield Button(_("Save"), variant="primary", id="save")
                    yield Button(_("Back"), id="close")
            with Vertical(id="scanner-test"):
                yield Static(_("Try it: scan a code now"), classes="panel-title")
                yield Static("", id="scanner-status")
                yield RichLog(id="scan-log", markup=False, wrap=False)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#enabled", Checkbox).focus()
        self.watch(self.app, "devices", self._show_status)

    def _show_status(self, devices: Any) -> None:
        label = SCANNER_STATE_LABELS.get(devices.scanner_state)
        if label is None:
            text = _(
                "No scanner reader is running (off, or evdev is not installed); "
                "fast key bursts still count as scans when that is on."
            )
        else:
            text = f"{_(label)} {devices.scanner_device}".strip()
        self.query_one("#scanner-status", Static).update(text)

    def on_scanned(self, message: Scanned) -> None:
        """On this screen a scan is shown, not acted on."""
        message.stop()
        shown = message.code.encode("unicode_escape").decode("ascii")
        source = _("scanner") if message.source == "scanner" else _("keyboard burst")
        self.query_one("#scan-log", RichLog).write(f"{shown}   ({source}, {message.terminator})")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "close":
            self.action_close()

    def action_close(self) -> None:
        self.app.pop_screen()

    def form_values(self) -> ScannerConfig:
        current = self.salon.hub.config.scanner if self.salon.hub.config else ScannerConfig()
        numbers: dict[str, int] = {}
        for name in ("max_gap_ms", "min_length"):
            text = self.query_one(f"#{name}", Input).value.strip()
            if not text.isdigit():
                raise ValidationError(_("That is not a number."), field=name)
            numbers[name] = int(text)
        return replace(
            current,
            enabled=self.query_one("#enabled", Checkbox).value,
            device=self.query_one("#device", Input).value,
            grab=self.query_one("#grab", Checkbox).value,
            keyboard_bursts=self.query_one("#keyboard_bursts", Checkbox).value,
            terminators=tuple(
                name
                for name in SCANNER_TERMINATORS
                if self.query_one(f"#end-{name}", Checkbox).value
            ),
            **numbers,
        )

    def action_save(self) -> None:
        from salon_tui import config as machine

        try:
            scanner = machine.validate_scanner(self.form_values())
        except ValidationError as error:
            self._refused(error)
            return
        current = self.salon.hub.config or machine.MachineConfig()
        call_service(
            self,
            lambda: machine.save_config(replace(current, scanner=scanner)),
            self._saved,
            failed=self._refused,
            exclusive=True,
        )

    def _saved(self, path: Any) -> None:
        self.salon.restart_devices()
        self._message(_("Saved to {path}.").format(path=path), error=False)
        self.notify(_("Scanner settings saved."))

    def _refused(self, error: SalonError) -> None:
        self._message(error.message, error=True)
        field = getattr(error, "field", None)
        if field == "terminators":
            field = "end-enter"
        if field:
            matches = self.query(f"#{field}")
            if matches:
                matches.first().focus()

    def _message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")
