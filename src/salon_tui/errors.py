"""One error base for everything a person can be told.

A ``SalonError`` carries a message a cashier understands and a short title. Faces
translate it: the CLI prints it on stderr and exits 1, the TUI shows it. Messages are
already translated when raised (services call ``_()``).
"""

from __future__ import annotations

from salon_tui.i18n import N_


class SalonError(Exception):
    """Something the person can act on; never a programming error."""

    title: str = N_("Error")
    exit_code: int = 1

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class ValidationError(SalonError):
    """Input that cannot be accepted as given; nothing was changed."""

    title = N_("Check the input")

    def __init__(self, message: str, field: str | None = None, title: str | None = None) -> None:
        super().__init__(message, title)
        self.field = field


class NotFound(SalonError):
    title = N_("Not found")


class Conflict(SalonError):
    """The change clashes with what is stored (a duplicate, a state that moved on);
    ``field`` names the input that clashes, when one does (a form puts the cursor there)."""

    title = N_("Conflict")

    def __init__(self, message: str, field: str | None = None, title: str | None = None) -> None:
        super().__init__(message, title)
        self.field = field


class PermissionDenied(SalonError):
    title = N_("Not allowed")


class LoginRefused(SalonError):
    title = N_("Login refused")


class ShopNotInitialised(SalonError):
    title = N_("No shop yet")


class ShopAlreadyInitialised(SalonError):
    title = N_("Shop already set up")


class DatabaseError(SalonError):
    """The database cannot be opened or used as it is."""

    title = N_("Database problem")


class DatabaseCorrupt(DatabaseError):
    title = N_("Database damaged")


class SchemaTooNew(DatabaseError):
    title = N_("Database from a newer version")


class DatabaseBusy(DatabaseError):
    title = N_("Database busy")


class PrinterError(SalonError):
    """The receipt printer cannot print now; the job waits in the queue."""

    title = N_("Printer")


class ScannerError(SalonError):
    """The barcode scanner cannot be used as configured."""

    title = N_("Scanner")
