"""A footer that shows binding descriptions in the current language.

Bindings are class attributes, made before a language is chosen, so they hold the
English msgid; this footer translates each description as it is drawn.

The F-keys that open the areas work on every screen, but the footer lists them only on
screens that ask for it (``FOOTER_SHOWS_AREAS``: home). Elsewhere the screen's own keys
need the room: a 120-column terminal cannot hold both, and a key cut in half is worse
than a key listed on home's "Where to go" panel.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

from salon_tui.i18n import _


class TranslatedFooter(Footer):
    def compose(self) -> ComposeResult:
        show_areas = getattr(self.screen, "FOOTER_SHOWS_AREAS", False)
        here = f"open_area('{self.app.current_mode}')"
        for widget in super().compose():
            if (
                isinstance(widget, FooterKey)
                and widget.action.startswith("open_area")
                and (not show_areas or widget.action == here)
            ):
                continue  # elsewhere, or the key of the area already shown
            if isinstance(widget, FooterKey):
                # Textual's footer data-binds every key it composes to its ``compact``
                # reactive; the watcher outlives the key, so each recompose (every change
                # of focus or screen) left its keys attached to the footer, growing the
                # heap and with it every full garbage collection, and ran each new key's
                # watcher at once (Textual issue #6666). Our footers never change
                # ``compact``: a bound key takes the footer's value now and the binding
                # is dropped before it is made (``_initialize_data_bind`` runs after
                # mounting and does nothing without it).
                if widget._reactive_connect:
                    widget.set_reactive(FooterKey.compact, self.compact)
                    widget._reactive_connect = None
                widget.description = _(widget.description) if widget.description else ""
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = _(widget.tooltip)
            elif isinstance(widget, FooterLabel):
                widget.update(_(str(widget.content)))
            yield widget
