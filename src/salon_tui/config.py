"""Machine settings from ``config.toml``: this computer's printer, scanner and store.

Shop settings (name, footer, currency …) live in the database and travel with backups;
these belong to one till, so they stay on its disk (``paths.config_file()``).
``salon printer setup``, Settings → Printer / Scanner and ``salon store use`` write them.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from salon_tui import paths
from salon_tui.errors import ValidationError
from salon_tui.i18n import _

PRINTER_CONNECTIONS = ("none", "folder", "device", "usb", "network", "serial")
PRINTER_COLUMNS = (32, 42, 48)
HANZI_MODES = ("gbk", "pinyin", "image")
SCANNER_TERMINATORS = ("enter", "kpenter", "tab")
TIMEOUT_RANGE = (0.5, 60.0)
GAP_RANGE_MS = (5, 200)


@dataclass(frozen=True)
class PrinterConfig:
    connection: str = "none"
    folder: str = ""  # connection "folder": each job becomes a .bin file here
    device: str = ""  # "device": /dev/usb/lp0; "serial": /dev/ttyUSB0
    host: str = ""  # "network"
    port: int = 9100
    usb_id: str = ""  # "usb": vendor:product in hex, e.g. 0416:5011
    baudrate: int = 9600
    columns: int = 48  # 32 on 58 mm paper, 48 on 80 mm (42 on Epson TM-T88)
    hanzi: str = "gbk"  # "gbk": Chinese font; none: "pinyin" transliterates, "image" draws
    font: str = ""  # "image": the CJK font file to draw with (empty: found on this computer)
    cutter: bool = True
    native_codes: bool = True  # QR and barcodes drawn by the firmware (else images)
    drawer: bool = True  # a cash drawer hangs on the printer
    timeout_seconds: float = 5.0

    @property
    def enabled(self) -> bool:
        return self.connection != "none"

    def usb_ids(self) -> tuple[int, int]:
        vendor, product = self.usb_id.split(":")
        return int(vendor, 16), int(product, 16)

    def describe(self) -> str:
        """Where jobs go, in a few words (status lines, job records)."""
        if self.connection == "folder":
            return _("file printer → {path}").format(path=self.folder)
        if self.connection == "device":
            return self.device
        if self.connection == "network":
            return f"{self.host}:{self.port}"
        if self.connection == "usb":
            return f"USB {self.usb_id}"
        if self.connection == "serial":
            return f"{self.device} @ {self.baudrate}"
        return _("no printer")


@dataclass(frozen=True)
class ScannerConfig:
    # A /dev/input/by-id path, "vendor:product" in hex, or part of the device name;
    # empty: pick the first input device that looks like a scanner.
    device: str = ""
    enabled: bool = True
    grab: bool = True
    max_gap_ms: int = 30  # keys further apart than this are a person typing
    min_length: int = 4
    terminators: tuple[str, ...] = SCANNER_TERMINATORS
    keyboard_bursts: bool = True  # without evdev: take fast key bursts as scans


@dataclass(frozen=True)
class StoreConfig:
    # The code of the store this computer sells for (``salon store use CODE``); empty
    # while the shop has one store.
    code: str = ""


@dataclass(frozen=True)
class MachineConfig:
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    store: StoreConfig = field(default_factory=StoreConfig)


def _known(cls: type[Any], table: Any, section: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ValidationError(
            _("[{section}] in config.toml must be a table.").format(section=section)
        )
    names = {item.name: item for item in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in names:
            raise ValidationError(
                _("Unknown setting {key!r} in [{section}] of config.toml.").format(
                    key=key, section=section
                )
            )
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValidationError(
                    _("{section}.{key} must be a list of words.").format(section=section, key=key)
                )
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValidationError(
                    _("{section}.{key} must be true or false.").format(section=section, key=key)
                )
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(
                    _("{section}.{key} must be a number.").format(section=section, key=key)
                )
            value = float(value)
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(
                    _("{section}.{key} must be a whole number.").format(section=section, key=key)
                )
        elif not isinstance(value, str):
            raise ValidationError(
                _("{section}.{key} must be text.").format(section=section, key=key)
            )
        values[key] = value
    return values


def validate_printer(config: PrinterConfig) -> PrinterConfig:
    """The printer settings cleaned up, or ``ValidationError`` naming the bad field."""
    config = replace(
        config,
        folder=config.folder.strip(),
        device=config.device.strip(),
        host=config.host.strip(),
        usb_id=config.usb_id.strip().lower(),
        connection=config.connection.strip().lower(),
        hanzi=config.hanzi.strip().lower(),
        font=config.font.strip(),
    )
    if config.connection not in PRINTER_CONNECTIONS:
        raise ValidationError(
            _("Unknown printer connection {value!r}; choose one of: {names}.").format(
                value=config.connection, names=", ".join(PRINTER_CONNECTIONS)
            ),
            field="connection",
        )
    if config.connection == "folder" and not config.folder:
        raise ValidationError(_("The file printer needs a folder to write to."), field="folder")
    if config.connection in {"device", "serial"} and not config.device:
        raise ValidationError(
            _("Give the printer's device, for example /dev/usb/lp0 or /dev/ttyUSB0."),
            field="device",
        )
    if config.connection == "network" and not config.host:
        raise ValidationError(
            _("Give the printer's address, for example 192.168.1.50."), field="host"
        )
    if not 1 <= config.port <= 65535:
        raise ValidationError(
            _("The port is between 1 and 65535 (printers use 9100)."), field="port"
        )
    if config.connection == "usb" or config.usb_id:
        try:
            vendor, product = config.usb_ids()
            if not (0 <= vendor <= 0xFFFF and 0 <= product <= 0xFFFF):
                raise ValueError
        except ValueError:
            raise ValidationError(
                _("Give the USB id as vendor:product in hex, for example 0416:5011 (see lsusb)."),
                field="usb_id",
            ) from None
    if config.baudrate not in (9600, 19200, 38400, 57600, 115200):
        raise ValidationError(
            _("The serial speed is one of 9600, 19200, 38400, 57600, 115200."), field="baudrate"
        )
    if config.columns not in PRINTER_COLUMNS:
        raise ValidationError(
            _("The paper width is 32 columns (58 mm), 42 (Epson) or 48 (80 mm)."), field="columns"
        )
    if config.hanzi not in HANZI_MODES:
        raise ValidationError(
            _(
                "Chinese printing is gbk (printer has a Chinese font), pinyin or image "
                "(no Chinese font: Chinese drawn as pictures)."
            ),
            field="hanzi",
        )
    low, high = TIMEOUT_RANGE
    if not low <= config.timeout_seconds <= high:
        raise ValidationError(
            _("The printer timeout is between {low} and {high} seconds.").format(
                low=low, high=high
            ),
            field="timeout_seconds",
        )
    return config


def validate_scanner(config: ScannerConfig) -> ScannerConfig:
    config = replace(config, device=config.device.strip())
    low, high = GAP_RANGE_MS
    if not low <= config.max_gap_ms <= high:
        raise ValidationError(
            _("The scanner key gap is between {low} and {high} ms.").format(low=low, high=high),
            field="max_gap_ms",
        )
    if not 1 <= config.min_length <= 64:
        raise ValidationError(
            _("A scan is at least 1 and at most 64 characters."), field="min_length"
        )
    unknown = [name for name in config.terminators if name not in SCANNER_TERMINATORS]
    if unknown or not config.terminators:
        raise ValidationError(
            _("Scan terminators are among: {names}.").format(names=", ".join(SCANNER_TERMINATORS)),
            field="terminators",
        )
    return config


def load_config(path: Path | None = None) -> MachineConfig:
    """The machine's settings; defaults when the file does not exist."""
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return MachineConfig()
    except OSError as error:
        raise ValidationError(
            _("Cannot read {path}: {reason}").format(path=path, reason=error.strerror)
        ) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(
            _("{path} is not valid TOML: {reason}").format(path=path, reason=error)
        ) from error
    printer = PrinterConfig(**_known(PrinterConfig, data.get("printer", {}), "printer"))
    scanner = ScannerConfig(**_known(ScannerConfig, data.get("scanner", {}), "scanner"))
    store = StoreConfig(**_known(StoreConfig, data.get("store", {}), "store"))
    return MachineConfig(
        validate_printer(printer),
        validate_scanner(scanner),
        replace(store, code=store.code.strip().upper()),
    )


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    # A JSON string is a valid TOML basic string.
    return json.dumps(str(value), ensure_ascii=False)


def render_config(config: MachineConfig) -> str:
    lines = ["# salon_tui machine settings: this computer's printer, scanner and store.", ""]
    sections: tuple[tuple[str, Any], ...] = (
        ("printer", config.printer),
        ("scanner", config.scanner),
        ("store", config.store),
    )
    for section, values in sections:
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in asdict(values).items())
        lines.append("")
    return "\n".join(lines)


def save_config(config: MachineConfig, path: Path | None = None) -> Path:
    """Write config.toml atomically (validated first: a refused change writes nothing)."""
    config = replace(
        config, printer=validate_printer(config.printer), scanner=validate_scanner(config.scanner)
    )
    if config.printer.hanzi == "image":
        from salon_tui.fonts import NoChineseFont, find_font

        try:
            find_font(config.printer.font)
        except NoChineseFont as error:
            raise ValidationError(error.message, field="hanzi") from error
    path = path or paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(render_config(config), encoding="utf-8")
    temporary.replace(path)
    return path
