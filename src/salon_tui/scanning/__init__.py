"""Barcode scanners: the key-event decoder (pure), the evdev reader, the burst detector."""
