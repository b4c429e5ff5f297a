"""What the operating system needs so this user may use the printer and the scanner."""

from __future__ import annotations

import getpass

from salon_tui.config import PrinterConfig
from salon_tui.i18n import _

UDEV_FILE = "/etc/udev/rules.d/70-salon-tui.rules"


def printer_udev_rule(vendor_product: str, group: str = "lp") -> str:
    vendor, product = vendor_product.split(":")
    return (
        f'SUBSYSTEM=="usb", ATTRS{{idVendor}}=="{vendor}", ATTRS{{idProduct}}=="{product}", '
        f'GROUP="{group}", MODE="0660"'
    )


def scanner_udev_rule(vendor_product: str, group: str = "salon") -> str:
    """Only the scanner: the ``input`` group would let the program read every keyboard."""
    vendor, product = vendor_product.split(":")
    return (
        f'SUBSYSTEM=="input", ATTRS{{idVendor}}=="{vendor}", ATTRS{{idProduct}}=="{product}", '
        f'GROUP="{group}", MODE="0660", SYMLINK+="input/barcode"'
    )


def reload_commands(rule: str) -> list[str]:
    return [
        f"echo '{rule}' | sudo tee -a {UDEV_FILE}",
        "sudo udevadm control --reload-rules && sudo udevadm trigger",
    ]


def printer_access_steps(config: PrinterConfig) -> list[str]:
    """The steps (commands) that give this user the printer, for ``salon printer setup``."""
    user = getpass.getuser()
    if config.connection == "usb":
        rule = printer_udev_rule(config.usb_id)
        return [
            _("USB printers are opened directly (the kernel's usblp driver is set aside):"),
            *reload_commands(rule),
            f"sudo usermod -aG lp {user}",
            _("Log out and back in for the group to count."),
        ]
    if config.connection in {"device", "serial"}:
        group = "lp" if config.connection == "device" else "dialout"
        return [
            _("{device} belongs to the {group} group; add this user to it:").format(
                device=config.device, group=group
            ),
            f"sudo usermod -aG {group} {user}",
            _("Log out and back in for the group to count."),
        ]
    if config.connection == "network":
        return [
            _("Nothing to install: the printer listens on {host}:{port}.").format(
                host=config.host, port=config.port
            )
        ]
    if config.connection == "folder":
        return [_("Receipts are written as files to {folder}.").format(folder=config.folder)]
    return []


def scanner_access_steps(vendor_product: str) -> list[str]:
    user = getpass.getuser()
    rule = scanner_udev_rule(vendor_product)
    return [
        _("Let this user read the scanner, and only the scanner:"),
        "sudo groupadd -f salon",
        f"sudo usermod -aG salon {user}",
        *reload_commands(rule),
        _("Log out and back in for the group to count."),
    ]
