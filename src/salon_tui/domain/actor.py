"""Who is acting: the logged-in staff member, or the system itself (cron, migrations)."""

from __future__ import annotations

from dataclasses import dataclass

from salon_tui.domain.permissions import Role, is_allowed


@dataclass(frozen=True)
class Actor:
    staff_id: int | None
    name: str
    role: Role | None

    def can(self, permission: str) -> bool:
        return self.role is not None and is_allowed(self.role, permission)

    @property
    def is_system(self) -> bool:
        return self.staff_id is None


SYSTEM = Actor(staff_id=None, name="system", role=None)
