"""Permission checks inside services: the matrix decides, deny by default."""

from __future__ import annotations

from salon_tui.domain.actor import Actor
from salon_tui.errors import PermissionDenied
from salon_tui.i18n import _


def require(actor: Actor, permission: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` holds ``permission``."""
    if not actor.can(permission):
        raise PermissionDenied(
            _("{name} is not allowed to do this ({permission}).").format(
                name=actor.name, permission=permission
            )
        )
