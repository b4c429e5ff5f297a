"""What every screen of the app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

from salon_tui.widgets.worker import call_service, show_error, show_unexpected

if TYPE_CHECKING:
    from salon_tui.app import SalonApp

__all__ = ["SalonModal", "SalonScreen", "call_service", "show_error", "show_unexpected"]
Result = TypeVar("Result")


class SalonScreen(Screen[None]):
    """Base of the app's screens."""

    @property
    def salon(self) -> SalonApp:
        return cast("SalonApp", self.app)


class SalonModal(ModalScreen[Result]):
    """Base of the modal dialogs."""

    @property
    def salon(self) -> SalonApp:
        return cast("SalonApp", self.app)
