"""Settings → Printer: this computer's receipt printer, a test page, the print queue."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from salon_tui.config import PrinterConfig
from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.print_jobs import PrintJobsTable
from salon_tui.widgets.shop_header import ShopHeader

CONNECTION_LABELS = {
    "none": N_("No printer"),
    "folder": N_("File printer (receipts become files)"),
    "device": N_("Device file (/dev/usb/lp0)"),
    "usb": N_("USB (vendor:product)"),
    "network": N_("Network (port 9100)"),
    "serial": N_("Serial port"),
}
COLUMN_LABELS = {
    32: N_("58 mm paper — 32 columns"),
    42: N_("Epson TM — 42 columns"),
    48: N_("80 mm paper — 48 columns"),
}
HANZI_LABELS = {
    "gbk": N_("Chinese font (GBK, most printers sold in China)"),
    "pinyin": N_("No Chinese font: print pinyin"),
    "image": N_("No Chinese font: print Chinese as pictures"),
}
TEXT_FIELDS = ("folder", "device", "host", "usb_id")
NUMBER_FIELDS = {"port": int, "baudrate": int, "timeout_seconds": float}
SWITCHES = ("cutter", "drawer", "native_codes")
# Which fields each connection needs; the others are hidden.
FIELD_GROUPS = {
    "folder": {"folder"},
    "device": {"device"},
    "network": {"network"},
    "usb": {"usb"},
    "serial": {"device", "serial"},
    "none": set(),
}


class PrinterSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("ctrl+t", "test_page", N_("Test page"), priority=True),
        Binding("escape", "close", N_("Back")),
    ]

    def compose(self) -> ComposeResult:
        printer = self.salon.hub.config.printer if self.salon.hub.config else PrinterConfig()
        yield ShopHeader(N_("Settings → Printer"))
        with Horizontal(id="printer-settings"):
            with VerticalScroll(id="printer-form", classes="form"):
                yield Label(_("Connection"))
                yield Select(
                    [(_(label), key) for key, label in CONNECTION_LABELS.items()],
                    value=printer.connection,
                    allow_blank=False,
                    id="connection",
                )
                with Vertical(classes="field-group", id="group-folder"):
                    yield Label(_("Folder (file printer)"))
                    yield Input(printer.folder, id="folder")
                with Vertical(classes="field-group", id="group-device"):
                    yield Label(_("Device (/dev/usb/lp0, /dev/ttyUSB0)"))
                    yield Input(printer.device, id="device")
                with Vertical(classes="field-group", id="group-network"):
                    yield Label(_("Address and port (network)"))
                    with Horizontal(classes="pair"):
                        yield Input(printer.host, id="host", placeholder="192.168.1.50")
                        yield Input(str(printer.port), id="port", type="integer", max_length=5)
                with Vertical(classes="field-group", id="group-usb"):
                    yield Label(_("USB id (vendor:product, see lsusb)"))
                    yield Input(printer.usb_id, id="usb_id", placeholder="0416:5011")
                with Vertical(classes="field-group", id="group-serial"):
                    yield Label(_("Serial speed"))
                    yield Input(str(printer.baudrate), id="baudrate", type="integer")
                yield Label(_("Paper"))
                yield Select(
                    [(_(label), key) for key, label in COLUMN_LABELS.items()],
                    value=printer.columns,
                    allow_blank=False,
                    id="columns",
                )
                yield Label(_("Chinese"))
                yield Select(
                    [(_(label), key) for key, label in HANZI_LABELS.items()],
                    value=printer.hanzi,
                    allow_blank=False,
                    id="hanzi",
                )
                yield Checkbox(_("The printer cuts the paper"), printer.cutter, id="cutter")
                yield Checkbox(_("A cash drawer is plugged into it"), printer.drawer, id="drawer")
                yield Checkbox(
                    _("The printer draws QR codes and barcodes"),
                    printer.native_codes,
                    id="native_codes",
                )
                yield Label(_("Timeout (seconds)"))
                yield Input(str(printer.timeout_seconds), id="timeout_seconds")
                yield Checkbox(_("Open the drawer with the test page"), False, id="test-drawer")
                yield Static("", id="form-message")
                with Horizontal(classes="buttons"):
                    yield Button(_("Save"), variant="primary", id="save")
                    yield Button(_("Test page"), id="test")
                    yield Button(_("Back"), id="close")
            with Vertical(id="printer-jobs"):
                yield Static(_("Print jobs (newest first)"), classes="panel-title")
                yield Static(
                    _("r retry · p reprint · x cancel · v preview"), classes="hint", id="jobs-hint"
                )
                yield PrintJobsTable(id="jobs-table", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#connection", Select).focus()
        self.query_one(PrintJobsTable).reload()
        self.watch(self.app, "devices", lambda _state: self.query_one(PrintJobsTable).reload())

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "connection":
            shown = FIELD_GROUPS.get(str(event.value), set())
            for group in self.query(".field-group"):
                group.display = (group.id or "").removeprefix("group-") in shown

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "save": self.action_save,
            "test": self.action_test_page,
            "close": self.action_close,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def action_close(self) -> None:
        self.app.pop_screen()

    def form_values(self) -> PrinterConfig:
        current = self.salon.hub.config.printer if self.salon.hub.config else PrinterConfig()
        values: dict[str, Any] = {
            name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS
        }
        for name, kind in NUMBER_FIELDS.items():
            text = self.query_one(f"#{name}", Input).value.strip()
            try:
                values[name] = kind(text)
            except ValueError:
                raise ValidationError(_("That is not a number."), field=name) from None
        for name in SWITCHES:
            values[name] = self.query_one(f"#{name}", Checkbox).value
        values["connection"] = str(self.query_one("#connection", Select).value)
        values["columns"] = int(str(self.query_one("#columns", Select).value))
        values["hanzi"] = str(self.query_one("#hanzi", Select).value)
        return replace(current, **values)

    def action_save(self) -> None:
        from salon_tui import config as machine

        try:
            printer = machine.validate_printer(self.form_values())
        except ValidationError as error:
            self._refused(error)
            return
        hub = self.salon.hub
        current = hub.config or machine.MachineConfig()
        call_service(
            self,
            lambda: machine.save_config(replace(current, printer=printer)),
            self._saved,
            failed=self._refused,
            exclusive=True,
        )

    def _saved(self, path: Any) -> None:
        self.salon.restart_devices()
        self._message(_("Saved to {path}.").format(path=path), error=False)
        self.notify(_("Printer settings saved."))

    def action_test_page(self) -> None:
        from salon_tui.services import printing

        uow, actor, shop = self.salon.uow, self.salon.session_actor, self.salon.shop
        drawer = self.query_one("#test-drawer", Checkbox).value
        call_service(
            self,
            lambda: printing.enqueue_test_page(
                uow, actor, shop.name, shop.timezone, open_drawer=drawer
            ),
            self._test_queued,
            failed=self._refused,
        )

    def _test_queued(self, job: Any) -> None:
        self.salon.hub.wake_printer()
        self._message(_("Test page queued as job #{id}.").format(id=job.id), error=False)
        self.query_one(PrintJobsTable).reload()

    def _refused(self, error: SalonError) -> None:
        self._message(error.message, error=True)
        field = getattr(error, "field", None)
        if field:
            matches = self.query(f"#{field}")
            if matches:
                matches.first().focus()

    def _message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")
