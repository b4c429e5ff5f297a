"""Roles and the permission matrix: data in one place, deny by default.

Services call ``require(actor_role, permission)``; the faces only use ``is_allowed`` to
decide what to offer. A permission missing from the matrix is refused to everyone.
Each area adds its rows here.
"""

from __future__ import annotations

from enum import StrEnum

from salon_tui.i18n import N_


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    FRONT_DESK = "front_desk"
    STYLIST = "stylist"


ROLE_LABELS: dict[Role, str] = {
    Role.OWNER: N_("Owner"),
    Role.MANAGER: N_("Manager"),
    Role.FRONT_DESK: N_("Front desk"),
    Role.STYLIST: N_("Stylist"),
}

OWNER = frozenset({Role.OWNER})
MANAGERS = frozenset({Role.OWNER, Role.MANAGER})
DESK = frozenset({Role.OWNER, Role.MANAGER, Role.FRONT_DESK})
EVERYONE = frozenset(Role)

# permission → roles allowed. Keep the rows grouped by area and sorted within.
PERMISSION_MATRIX: dict[str, frozenset[Role]] = {
    # shop and staff
    "home.view": EVERYONE,
    "settings.shop": MANAGERS,
    "staff.view": EVERYONE,
    "staff.manage": MANAGERS,
    "stores.manage": OWNER,
    # bookings, shifts and the walk-in queue
    "bookings.book": DESK,
    "bookings.reminders": DESK,
    "bookings.schedule": MANAGERS,
    "bookings.view": EVERYONE,
    "bookings.walk_in": DESK,
    "reports.bookings": MANAGERS,
    # catalogue and inventory
    "catalog.manage": MANAGERS,
    "catalog.view": EVERYONE,
    "inventory.adjust": MANAGERS,
    "inventory.count": DESK,
    "inventory.count_post": MANAGERS,
    "inventory.receive": DESK,
    "inventory.report": MANAGERS,
    "inventory.use": EVERYONE,
    "inventory.view": EVERYONE,
    "purchasing.approve": MANAGERS,
    "purchasing.draft": DESK,
    # alerts on unusual activity: the owner sets the rules a manager is watched by
    "alerts.review": MANAGERS,
    "alerts.settings": OWNER,
    "alerts.view": MANAGERS,
    # audit, database and backups
    "audit.view": MANAGERS,
    "backup.view": MANAGERS,
    "db.admin": OWNER,
    # checkout, refunds, commission and the cash drawer
    "commission.manage": MANAGERS,
    "commission.view_all": MANAGERS,
    "commission.view_own": EVERYONE,
    "ratings.view_all": MANAGERS,
    "ratings.view_own": EVERYONE,
    "ratings.withdraw": MANAGERS,
    "drawer.operate": DESK,
    "reports.daily": DESK,
    "sales.approve_discount": MANAGERS,
    "sales.discount": DESK,
    "sales.override_price": DESK,
    "sales.refund": MANAGERS,
    "sales.sell": DESK,
    "sales.view": DESK,
    "sales.void": DESK,
    # printer, cash drawer and scanner
    "printer.drawer": DESK,
    "printer.jobs": DESK,
    "printer.print": DESK,
    "printer.setup": MANAGERS,
    # members and their cards
    "card.manage": DESK,
    "member.contact": DESK,
    "member.edit": DESK,
    "member.export": MANAGERS,
    "member.import": MANAGERS,
    "member.levels": MANAGERS,
    "member.merge": MANAGERS,
    "member.personal_data": OWNER,
    "member.safety": EVERYONE,
    "member.view": EVERYONE,
    # loyalty: points, coupons and gift cards
    "coupon.issue": DESK,
    "coupon.issue_batch": MANAGERS,
    "coupon.templates": MANAGERS,
    "coupon.view": DESK,
    "coupon.void": MANAGERS,
    "giftcard.expire": MANAGERS,
    "giftcard.refund": MANAGERS,
    "giftcard.sell": DESK,
    "giftcard.settings": MANAGERS,
    "giftcard.view": DESK,
    "points.adjust": MANAGERS,
    "points.expire": MANAGERS,
    "points.redeem": DESK,
    "points.rules": MANAGERS,
    "points.view": DESK,
    # prepaid: stored value, top-up promotions, packages
    "package.refund": MANAGERS,
    "package.sell": DESK,
    "package.templates": MANAGERS,
    "package.transfer": MANAGERS,
    "package.use": DESK,
    "prepaid.close": MANAGERS,
    "prepaid.promotions": MANAGERS,
    "prepaid.reverse": MANAGERS,
    "prepaid.settings": MANAGERS,
    "prepaid.top_up": DESK,
    "prepaid.view": DESK,
    # expenses paid outside the drawer
    "expenses.manage": MANAGERS,
    # reports: each report names its own permission; the screen shows each person the
    # reports they may run (a stylist their own commission, the desk the day close)
    "reports.loyalty": MANAGERS,
    "reports.liabilities": MANAGERS,
    "reports.members": MANAGERS,
    "reports.pnl": OWNER,
    "reports.sales": MANAGERS,
    "reports.staff": MANAGERS,
    "reports.view": EVERYONE,
}

# What a manager may do to other accounts: only an owner creates, edits or
# deactivates owners and managers (see services.staff).
ROLES_A_MANAGER_MAY_ASSIGN = frozenset({Role.FRONT_DESK, Role.STYLIST})


def is_allowed(role: Role | str, permission: str) -> bool:
    """True when ``role`` holds ``permission``; unknown permissions are refused."""
    allowed = PERMISSION_MATRIX.get(permission)
    if allowed is None:
        return False
    try:
        return Role(role) in allowed
    except ValueError:
        return False


def may_assign_role(acting_role: Role, target_role: Role) -> bool:
    """Whether someone of ``acting_role`` may create or edit an account of ``target_role``."""
    if acting_role is Role.OWNER:
        return True
    if acting_role is Role.MANAGER:
        return target_role in ROLES_A_MANAGER_MAY_ASSIGN
    return False
