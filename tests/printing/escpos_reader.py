"""Reads ESC/POS bytes back into commands and text, so tests assert on what a printer does.

Knows the commands salon_tui sends; anything else fails the test loudly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Command:
    name: str
    args: bytes = b""
    data: bytes = b""


@dataclass
class Page:
    items: list[Command | str] = field(default_factory=list)

    @property
    def commands(self) -> list[Command]:
        return [item for item in self.items if isinstance(item, Command)]

    def named(self, name: str) -> list[Command]:
        return [command for command in self.commands if command.name == name]

    @property
    def text_lines(self) -> list[str]:
        return [item for item in self.items if isinstance(item, str)]

    def lines_with_size(self) -> list[tuple[str, int]]:
        """Each text line with its width multiplier from GS ! at that point."""
        size = 1
        result = []
        for item in self.items:
            if isinstance(item, Command) and item.name == "GS !":
                size = (item.args[0] >> 4) + 1
            elif isinstance(item, str):
                result.append((item, size))
        return result


FIXED_ARGS = {
    b"\x1b@": ("ESC @", 0),
    b"\x1c&": ("FS &", 0),
    b"\x1c.": ("FS .", 0),
    b"\x1ba": ("ESC a", 1),
    b"\x1bE": ("ESC E", 1),
    b"\x1bt": ("ESC t", 1),
    b"\x1b!": ("ESC !", 1),
    b"\x1bp": ("ESC p", 3),
    b"\x1d!": ("GS !", 1),
    b"\x1dV": ("GS V", 2),
    b"\x1dh": ("GS h", 1),
    b"\x1dw": ("GS w", 1),
    b"\x1df": ("GS f", 1),
    b"\x1dH": ("GS H", 1),
}


def read(payload: bytes, *, encoding: str = "gbk") -> Page:
    page = Page()
    text = bytearray()
    index = 0
    while index < len(payload):
        byte = payload[index]
        if byte == 0x0A:
            page.items.append(text.decode(encoding))
            text.clear()
            index += 1
            continue
        if byte in (0x1B, 0x1C, 0x1D):
            assert not text, f"command inside a text line at {index}: {bytes(text)!r}"
            prefix = payload[index : index + 2]
            if prefix in FIXED_ARGS:
                name, count = FIXED_ARGS[prefix]
                page.items.append(Command(name, payload[index + 2 : index + 2 + count]))
                index += 2 + count
                continue
            if prefix == b"\x1d(":
                kind = payload[index + 2 : index + 3]
                length = payload[index + 3] + 256 * payload[index + 4]
                body = payload[index + 5 : index + 5 + length]
                page.items.append(Command("GS (" + kind.decode(), body[:3], body[3:]))
                index += 5 + length
                continue
            if prefix == b"\x1dk":
                mode = payload[index + 2]
                assert mode >= 65, "only function B barcodes are expected"
                length = payload[index + 3]
                page.items.append(
                    Command("GS k", bytes([mode]), payload[index + 4 : index + 4 + length])
                )
                index += 4 + length
                continue
            if prefix == b"\x1dv":
                assert payload[index + 2] == 0x30
                x_bytes = payload[index + 4] + 256 * payload[index + 5]
                y_dots = payload[index + 6] + 256 * payload[index + 7]
                size = x_bytes * y_dots
                page.items.append(
                    Command(
                        "GS v 0",
                        payload[index + 4 : index + 8],
                        payload[index + 8 : index + 8 + size],
                    )
                )
                index += 8 + size
                continue
            raise AssertionError(f"unknown command {prefix!r} at {index}")
        text.append(byte)
        index += 1
    assert not text, f"text not ended by a line feed: {bytes(text)!r}"
    return page


def raster_to_png(command: Command, path: str, scale: int = 3) -> None:
    """Draw a GS v 0 raster image as a PNG (with a quiet zone) for zbarimg."""
    from PIL import Image

    x_bytes = command.args[0] + 256 * command.args[1]
    height = command.args[2] + 256 * command.args[3]
    width = x_bytes * 8
    image = Image.new("L", (width + 40, height + 40), 255)
    pixels = image.load()
    assert pixels is not None
    for y in range(height):
        for x in range(width):
            if command.data[y * x_bytes + x // 8] & (0x80 >> (x % 8)):
                pixels[x + 20, y + 20] = 0
    image.resize(((width + 40) * scale, (height + 40) * scale), Image.Resampling.NEAREST).save(path)
