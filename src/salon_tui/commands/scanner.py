"""`salon scanner …`: find the barcode scanner, watch what it scans, set it up."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salon_tui.commands._common import UsageProblem, new_app, print_json, print_table
from salon_tui.errors import ScannerError
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.scanning.decoder import Scan

app = new_app(_("Barcode scanner: list devices, listen to scans, replay a recording, setup."))

VENDOR_PRODUCT = re.compile(r"^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$")


def _backend() -> Any:
    from salon_tui.scanning.reader import EvdevBackend

    try:
        return EvdevBackend()
    except ImportError:
        raise ScannerError(
            _(
                "evdev is not installed, so scanners can only be used as keyboards here. "
                "Install it with: pip install 'salon-tui[scanner]' (needs gcc and python3-dev)."
            )
        ) from None


def _describe(scan: Scan) -> str:
    shown = scan.code.encode("unicode_escape").decode("ascii")
    return _("{code}  ({terminator}, {duration:.0f} ms, longest gap {gap:.1f} ms)").format(
        code=shown, terminator=scan.terminator, duration=scan.duration_ms, gap=scan.longest_gap_ms
    )


@app.command("list", help=_("Input devices that could be scanners (needs evdev)."))
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    devices = _backend().list_devices()
    if as_json:
        print_json(
            [
                {
                    "name": device.name,
                    "id": device.vendor_product,
                    "path": device.path,
                    "scanner": device.looks_like_scanner,
                }
                for device in devices
            ]
        )
        return
    if not devices:
        typer.echo(
            _(
                "No keyboard-like input devices are readable. Plug the scanner in, or see "
                "`salon scanner setup` for the permission it needs."
            )
        )
        return
    print_table(
        [_("Name"), _("USB id"), _("Path"), _("Scanner?")],
        [
            (d.name, d.vendor_product, d.path, _("yes") if d.looks_like_scanner else "")
            for d in devices
        ],
    )


@app.command("listen", help=_("Print each scan with its timing until Ctrl+C (grabs the scanner)."))
def listen_command(
    device: Annotated[
        str | None,
        typer.Option("--device", help=_("by-id path, vendor:product or name (default: config).")),
    ] = None,
    count: Annotated[
        int, typer.Option("--count", help=_("Stop after this many scans (0: never)."))
    ] = 0,
    seconds: Annotated[
        float, typer.Option("--seconds", help=_("Stop after this many seconds (0: never)."))
    ] = 0,
) -> None:
    from salon_tui import config as machine
    from salon_tui.scanning.reader import ReaderState, ScannerReader, ScannerStatus

    settings = machine.load_config().scanner
    if device is not None:
        settings = replace(settings, device=device)
    backend = _backend()
    done = threading.Event()
    scans: list[Scan] = []

    def on_scan(scan: Scan) -> None:
        scans.append(scan)
        typer.echo(_describe(scan))
        if count and len(scans) >= count:
            done.set()

    def on_status(status: ScannerStatus) -> None:
        typer.echo(f"[{status.state.value}] {status.device} {status.detail}".rstrip(), err=True)
        if status.state is ReaderState.NO_EVDEV:
            done.set()

    reader = ScannerReader(settings, on_scan, on_status, backend=backend)
    typer.echo(_("Listening; scan something (Ctrl+C to stop)."), err=True)
    reader.start()
    try:
        done.wait(seconds or None)
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()


@app.command("replay", help=_("Decode an evtest recording as the reader would (no evdev needed)."))
def replay_command(
    recording: Annotated[
        Path,
        typer.Argument(
            help=_("evtest output or python-evdev key event text."), exists=True, dir_okay=False
        ),
    ],
    gap_ms: Annotated[
        int | None, typer.Option("--gap-ms", help=_("Longest gap between a scanner's keys."))
    ] = None,
) -> None:
    from salon_tui import config as machine
    from salon_tui.scanning.reader import ScannerReader
    from salon_tui.scanning.recording import read_recording

    settings = machine.load_config().scanner
    if gap_ms is not None:
        settings = machine.validate_scanner(replace(settings, max_gap_ms=gap_ms))
    recorded = read_recording(recording)
    if not recorded.events:
        raise UsageProblem(_("{path} holds no key events.").format(path=recording))
    reader = ScannerReader(settings, lambda scan: None, lambda status: None)
    scans = reader.handle_events(recorded.events)
    for scan in scans:
        typer.echo(_describe(scan))
    typer.echo(
        _("{count} scan(s) from {events} events.").format(
            count=len(scans), events=len(recorded.events)
        )
    )
    if reader.decoder.pending:
        typer.echo(
            _("Unfinished at the end (not delivered): {text}").format(
                text=reader.decoder.pending.encode("unicode_escape").decode("ascii")
            )
        )


@app.command(
    "setup",
    help=_("Choose the scanner and its timing; writes config.toml and shows the udev rule."),
)
def setup_command(
    device: Annotated[
        str | None,
        typer.Option("--device", help=_("by-id path, vendor:product or name; empty: auto-detect.")),
    ] = None,
    gap_ms: Annotated[
        int | None,
        typer.Option(
            "--gap-ms", help=_("Longest gap between a scanner's keys (Bluetooth: 50–80).")
        ),
    ] = None,
    min_length: Annotated[
        int | None, typer.Option("--min-length", help=_("Shortest code taken as a scan."))
    ] = None,
    terminators: Annotated[
        str | None,
        typer.Option("--terminators", help=_("Keys that end a scan: enter,kpenter,tab.")),
    ] = None,
    grab: Annotated[
        bool | None,
        typer.Option("--grab/--no-grab", help=_("Keep the scanner's keys from the terminal.")),
    ] = None,
    keyboard_bursts: Annotated[
        bool | None,
        typer.Option(
            "--keyboard-bursts/--no-keyboard-bursts",
            help=_("Without evdev, take fast key bursts in the app as scans."),
        ),
    ] = None,
    enabled: Annotated[
        bool | None, typer.Option("--on/--off", help=_("Use a scanner on this computer."))
    ] = None,
) -> None:
    from salon_tui import config as machine
    from salon_tui.printing.access import scanner_access_steps

    current = machine.load_config()
    changes: dict[str, Any] = {
        "device": device,
        "max_gap_ms": gap_ms,
        "min_length": min_length,
        "grab": grab,
        "keyboard_bursts": keyboard_bursts,
        "enabled": enabled,
        "terminators": None
        if terminators is None
        else tuple(name.strip() for name in terminators.split(",") if name.strip()),
    }
    scanner = replace(current.scanner, **{k: v for k, v in changes.items() if v is not None})
    path = machine.save_config(replace(current, scanner=scanner))
    saved = machine.load_config(path).scanner
    typer.echo(
        _("Saved to {path}: device {device}, gap {gap} ms, ends with {terminators}.").format(
            path=path,
            device=saved.device or _("auto-detect"),
            gap=saved.max_gap_ms,
            terminators=", ".join(saved.terminators),
        )
    )
    vendor_product = saved.device.lower() if VENDOR_PRODUCT.match(saved.device) else None
    if vendor_product is None:
        try:
            from salon_tui.scanning.reader import choose_device

            found = choose_device(_backend().list_devices(), saved.device)
            vendor_product = found.vendor_product if found else None
        except ScannerError as error:
            typer.echo(error.message)
    if vendor_product is None:
        typer.echo(
            _("Give --device VENDOR:PRODUCT (see lsusb) to get the udev rule for your scanner.")
        )
        return
    for line in scanner_access_steps(vendor_product):
        typer.echo(f"  {line}")
