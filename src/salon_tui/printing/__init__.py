"""Receipts: layout (pure), ESC/POS encoding, transports and the print queue."""
