"""Keyboard-wedge scanners without evdev: telling a scan burst from a person typing.

Over SSH, on a machine without evdev, or without permission on the input device, a
scanner is just a fast keyboard. The app holds each typed key for up to ``max_gap_ms``:
if the next key comes sooner the burst grows; when Enter or Tab ends a burst of at least
``min_length`` keys that all came that fast, it is a scan and none of its keys reach a
widget or a binding. Otherwise the held keys are let through, in order, as typed.

The first key of a burst may be let through at once (``delivered``) by a caller that can
take it back should the burst turn out to be a scan: a person typing into a search box
then waits for no key at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Payload = TypeVar("Payload")


@dataclass(frozen=True)
class HeldKey(Generic[Payload]):
    char: str
    time: float
    payload: Payload
    delivered: bool = False  # let through already (the caller can take it back)


class KeyBurst(Generic[Payload]):
    def __init__(
        self,
        *,
        max_gap_ms: float = 30,
        min_length: int = 4,
        terminators: tuple[str, ...] = ("enter", "tab"),
    ) -> None:
        self.max_gap = max_gap_ms / 1000
        self.min_length = min_length
        self.terminators = frozenset(terminators)
        self.held: list[HeldKey[Payload]] = []

    def continues(self, now: float) -> bool:
        """Whether a key at ``now`` would belong to the burst being held."""
        return not self.held or now - self.held[-1].time <= self.max_gap

    def hold(self, char: str, now: float, payload: Payload, *, delivered: bool = False) -> None:
        """Hold a typed character (the caller lets the old burst through when it has ended);
        ``delivered``: the caller let it through already and only counts it in the burst."""
        self.held.append(HeldKey(char, now, payload, delivered))

    def finish(self, terminator: str, now: float) -> str | None:
        """The scanned code when ``terminator`` at ``now`` ends a scan burst, else None."""
        if terminator not in self.terminators or not self.held or not self.continues(now):
            return None
        if len(self.held) < self.min_length:
            return None
        code = "".join(key.char for key in self.held)
        self.held.clear()
        return code

    def due(self, now: float) -> bool:
        """True when the held keys waited long enough: a person typed them."""
        return bool(self.held) and now - self.held[-1].time > self.max_gap

    def release(self) -> list[Payload]:
        """The held keys not let through yet, oldest first, to be handled as ordinary typing."""
        released = [key.payload for key in self.held if not key.delivered]
        self.held.clear()
        return released
