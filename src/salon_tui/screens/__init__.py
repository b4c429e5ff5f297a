"""Textual screens, one module per area; modals beside them in ``modals/``."""
