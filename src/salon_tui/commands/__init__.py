"""The CLI's sub-commands: one Typer app per noun, composed in ``salon_tui.cli``."""
