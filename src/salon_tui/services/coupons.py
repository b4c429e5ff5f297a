"""Coupons (优惠券): templates, issuing (one member, a segment, birthdays, referrals,
top-up promotions), checking, and the coupon ledger.

A coupon's life is its ``coupon_event`` rows (issued, used, restored, void); its
``state`` caches the last one and changes only by a conditional update, so a coupon
cannot be used twice even from two terminals. Issuing with an ``issue_key``
(``birthday:12:2026``, ``referral:40``) issues once, however often a run repeats.
Using a coupon at checkout lives in ``services.loyalty_checkout``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, func, select

from salon_tui.data.models import Coupon, CouponEvent, CouponTemplate, Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.coupons import (
    KIND_LABELS,
    SCOPE_LABELS,
    CouponKind,
    CouponState,
    CouponTerms,
    Scope,
    clean_code,
    code_for_serial,
    explain_refusal,
    looks_like_coupon,
    refusal,
    validity,
)
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.members import load_member, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.settings import read_setting, write_setting

SETTINGS_KEY = "loyalty.coupons"
AMOUNT_MAX_CENTS = 100_000_00
ORIGIN_LABELS = {
    "manual": N_("Issued by hand"),
    "segment": N_("Issued to a segment"),
    "birthday": N_("Birthday"),
    "referral": N_("Referral reward"),
    "top_up": N_("Top-up promotion"),
}
STATE_LABELS = {
    CouponState.AVAILABLE.value: N_("Available"),
    CouponState.USED.value: N_("Used"),
    CouponState.VOID.value: N_("Cancelled"),
}


@dataclass(frozen=True)
class CouponSettings:
    birthday_template_id: int | None = None
    birthday_days_ahead: int = 7
    referral_template_id: int | None = None
    restore_on_refund: bool = True


@dataclass(frozen=True)
class TemplateView:
    id: int
    name: str
    kind: str
    kind_label: str
    description: str
    percent_bp: int
    amount_cents: int
    min_spend_cents: int
    scope: str
    scope_items: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    valid_days: int | None
    stackable: bool
    usage_limit: int | None
    used_count: int
    issued: int
    active: bool


@dataclass(frozen=True)
class CouponView:
    id: int
    code: str
    template_id: int
    template_name: str
    description: str
    member_id: int
    member_name: str
    state: str
    state_label: str
    valid_from: date
    valid_to: date | None
    origin: str
    used_sale_id: int | None
    expired: bool
    face_value_cents: int


@dataclass(frozen=True)
class CouponCheck:
    coupon: CouponView
    usable: bool
    reason: str


@dataclass(frozen=True)
class IssueRun:
    template: str
    issued: int
    already: int
    codes: tuple[str, ...]


# --- settings ------------------------------------------------------------------------


def load_settings(session: Session) -> CouponSettings:
    stored = dict(read_setting(session, SETTINGS_KEY, {}))
    known = {k: v for k, v in stored.items() if k in CouponSettings.__dataclass_fields__}
    return CouponSettings(**known)


def set_settings(uow: UnitOfWork, actor: Actor, **changes: Any) -> CouponSettings:
    """Which templates birthdays and referrals issue, how many days ahead birthday
    coupons go out, and whether a full refund gives used coupons back. Audited."""
    require(actor, "coupon.templates")
    with uow.transaction() as session:
        before = load_settings(session)
        values = {**before.__dict__, **changes}
        for field in ("birthday_template_id", "referral_template_id"):
            if values[field] is not None:
                _template(session, int(values[field]))
        if not 0 <= int(values["birthday_days_ahead"]) <= 60:
            raise ValidationError(
                _("Birthday coupons go out 0 to 60 days ahead."), field="birthday_days_ahead"
            )
        settings = CouponSettings(**values)
        write_setting(session, SETTINGS_KEY, settings.__dict__)
        audit.record(
            session,
            actor,
            "coupon.settings",
            "setting",
            SETTINGS_KEY,
            before=before.__dict__,
            after=settings.__dict__,
        )
        return settings


def get_settings(uow: UnitOfWork) -> CouponSettings:
    with uow.read() as session:
        return load_settings(session)


# --- templates -----------------------------------------------------------------------


def _items(template: CouponTemplate) -> tuple[str, ...]:
    return tuple(item for item in template.scope_items.split("\n") if item)


def describe(template: CouponTemplate, money: Any = None) -> str:
    """``满 300 减 50 · Services``: what a template gives, in one line."""
    from salon_tui.domain.money import format_money
    from salon_tui.i18n import current_locale

    def fmt(cents: int) -> str:
        return money(cents) if money else format_money(cents, "CNY", current_locale())

    kind = CouponKind(template.kind)
    if kind is CouponKind.PERCENT:
        text = _("{percent} % off").format(percent=f"{template.percent_bp / 100:g}")
    elif kind is CouponKind.VOUCHER:
        text = _("Voucher worth {amount}").format(amount=fmt(template.amount_cents))
    elif kind is CouponKind.AMOUNT_OFF:
        text = _("{amount} off").format(amount=fmt(template.amount_cents))
    else:
        text = _("Free: {items}").format(items=", ".join(_items(template)))
    if template.min_spend_cents:
        text += " " + _("on a spend of {amount}").format(amount=fmt(template.min_spend_cents))
    scope = Scope(template.scope)
    if scope is not Scope.ALL and kind is not CouponKind.FREE_ITEM:
        items = _items(template)
        text += " · " + _(SCOPE_LABELS[scope]) + (f": {', '.join(items)}" if items else "")
    return text


def _template_view(session: Session, template: CouponTemplate) -> TemplateView:
    issued = session.exec(
        select(func.count()).select_from(Coupon).where(col(Coupon.template_id) == template.id)
    ).one()
    return TemplateView(
        id=template.id or 0,
        name=template.name,
        kind=template.kind,
        kind_label=_(KIND_LABELS[CouponKind(template.kind)]),
        description=describe(template, _money_of(session)),
        percent_bp=template.percent_bp,
        amount_cents=template.amount_cents,
        min_spend_cents=template.min_spend_cents,
        scope=template.scope,
        scope_items=_items(template),
        valid_from=template.valid_from,
        valid_to=template.valid_to,
        valid_days=template.valid_days,
        stackable=template.stackable,
        usage_limit=template.usage_limit,
        used_count=template.used_count,
        issued=int(issued),
        active=template.active,
    )


def _money_of(session: Session) -> Any:
    from salon_tui.domain.money import format_money
    from salon_tui.i18n import current_locale
    from salon_tui.services.settings import SHOP_PREFIX

    currency = str(read_setting(session, SHOP_PREFIX + "currency", "CNY"))
    locale = current_locale()
    return lambda cents: format_money(cents, currency, locale)


def _check_template(values: dict[str, Any]) -> None:
    try:
        kind = CouponKind(values["kind"])
    except ValueError:
        raise ValidationError(
            _("A coupon is percent, amount_off, voucher or free_item."), field="kind"
        ) from None
    try:
        scope = Scope(values["scope"])
    except ValueError:
        raise ValidationError(
            _("A coupon's scope is all, categories, services or products."), field="scope"
        ) from None
    name = values["name"]
    if not name or len(name) > 60:
        raise ValidationError(_("A coupon name has 1–60 characters."), field="name")
    if kind is CouponKind.PERCENT and not 1 <= values["percent_bp"] <= 10_000:
        raise ValidationError(_("A percent off is between 0.01 % and 100 %."), field="percent")
    if kind in (CouponKind.AMOUNT_OFF, CouponKind.VOUCHER) and not (
        0 < values["amount_cents"] <= AMOUNT_MAX_CENTS
    ):
        raise ValidationError(_("Give the amount the coupon takes off."), field="amount")
    if kind is CouponKind.AMOUNT_OFF and values["min_spend_cents"] <= 0:
        raise ValidationError(
            _("An amount-off coupon (满减) needs the spend it starts at: --min-spend."),
            field="min_spend",
        )
    if not 0 <= values["min_spend_cents"] <= AMOUNT_MAX_CENTS:
        raise ValidationError(_("The minimum spend cannot be negative."), field="min_spend")
    if scope is Scope.CATEGORIES and not values["scope_items"]:
        raise ValidationError(_("Name the categories the coupon covers."), field="scope_items")
    if kind is CouponKind.FREE_ITEM and (scope is Scope.ALL or not values["scope_items"]):
        raise ValidationError(
            _("A free-item coupon names the service or product codes it gives."),
            field="scope_items",
        )
    days = values["valid_days"]
    if days is not None and not 1 <= days <= 3650:
        raise ValidationError(_("A coupon lasts 1 to 3650 days."), field="valid_days")
    if days is None and values["valid_to"] is None:
        raise ValidationError(
            _("Say how long coupons last: a number of days, or a last day."), field="valid_days"
        )
    if values["valid_from"] and values["valid_to"] and values["valid_from"] > values["valid_to"]:
        raise ValidationError(_("The first day comes after the last day."), field="valid_to")
    if values["usage_limit"] is not None and values["usage_limit"] < 1:
        raise ValidationError(_("A usage limit is at least 1."), field="usage_limit")


def add_template(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    kind: str,
    percent_bp: int = 0,
    amount_cents: int = 0,
    min_spend_cents: int = 0,
    scope: str = "all",
    scope_items: Sequence[str] = (),
    valid_from: date | None = None,
    valid_to: date | None = None,
    valid_days: int | None = None,
    stackable: bool = False,
    usage_limit: int | None = None,
) -> TemplateView:
    """A new kind of coupon the shop can issue. Audited."""
    require(actor, "coupon.templates")
    cleaned_items = tuple(dict.fromkeys(" ".join(i.split()) for i in scope_items if i.strip()))
    values = {
        "name": " ".join(name.split()),
        "kind": kind,
        "percent_bp": percent_bp,
        "amount_cents": amount_cents,
        "min_spend_cents": min_spend_cents,
        "scope": scope,
        "scope_items": cleaned_items,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "valid_days": valid_days,
        "stackable": stackable,
        "usage_limit": usage_limit,
    }
    _check_template(values)
    with uow.transaction() as session:
        if session.exec(
            select(CouponTemplate.id).where(col(CouponTemplate.name) == values["name"])
        ).first():
            raise Conflict(_("There is already a coupon named {name}.").format(name=values["name"]))
        template = CouponTemplate.model_validate(
            {**values, "scope_items": "\n".join(cleaned_items), "created_at": utc_now()}
        )
        session.add(template)
        session.flush()
        audit.record(
            session,
            actor,
            "coupon.template_add",
            "coupon_template",
            template.id,
            after={k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()},
        )
        return _template_view(session, template)


def _template(session: Session, template_id: int) -> CouponTemplate:
    template = session.get(CouponTemplate, template_id)
    if template is None:
        raise NotFound(_("There is no coupon template #{id}.").format(id=template_id))
    return template


def find_template(uow: UnitOfWork, name_or_id: str) -> TemplateView:
    """A template by its name or number."""
    with uow.read() as session:
        return _template_view(session, template_named(session, name_or_id))


def template_named(session: Session, name_or_id: str) -> CouponTemplate:
    text = " ".join(name_or_id.split()).removeprefix("#")
    template = session.exec(select(CouponTemplate).where(col(CouponTemplate.name) == text)).first()
    if template is None and text.isdigit():
        template = session.get(CouponTemplate, int(text))
    if template is None:
        raise NotFound(_("There is no coupon template {name!r}.").format(name=name_or_id))
    return template


def list_templates(
    uow: UnitOfWork, actor: Actor, *, include_retired: bool = False
) -> list[TemplateView]:
    require(actor, "coupon.view")
    with uow.read() as session:
        query = select(CouponTemplate).order_by(col(CouponTemplate.id))
        if not include_retired:
            query = query.where(col(CouponTemplate.active).is_(True))
        return [_template_view(session, template) for template in session.exec(query).all()]


def template_names(uow: UnitOfWork) -> dict[int, str]:
    """Every template's name by number, retired ones too (for settings that name one)."""
    with uow.read() as session:
        return {
            int(template_id or 0): name
            for template_id, name in session.exec(select(CouponTemplate.id, CouponTemplate.name))
        }


def retire_template(uow: UnitOfWork, actor: Actor, template_id: int) -> TemplateView:
    """Stop issuing a template; coupons already issued stay good. Audited."""
    require(actor, "coupon.templates")
    with uow.transaction() as session:
        template = _template(session, template_id)
        template.active = False
        session.add(template)
        session.flush()
        audit.record(session, actor, "coupon.template_retire", "coupon_template", template_id)
        return _template_view(session, template)


# --- coupons -------------------------------------------------------------------------


def terms_of(coupon: Coupon, template: CouponTemplate) -> CouponTerms:
    return CouponTerms(
        coupon_id=coupon.id or 0,
        code=coupon.code,
        kind=CouponKind(template.kind),
        member_id=coupon.member_id,
        state=CouponState(coupon.state),
        valid_from=coupon.valid_from,
        valid_to=coupon.valid_to,
        scope=Scope(template.scope),
        scope_items=_items(template),
        percent_bp=template.percent_bp,
        amount_cents=template.amount_cents,
        min_spend_cents=template.min_spend_cents,
        stackable=template.stackable,
        usage_limit=template.usage_limit,
        times_used=template.used_count,
    )


def coupon_view(session: Session, coupon: Coupon, today: date | None = None) -> CouponView:
    template = _template(session, coupon.template_id)
    member = session.get(Member, coupon.member_id)
    day = today or shop_today(session)
    return CouponView(
        id=coupon.id or 0,
        code=coupon.code,
        template_id=coupon.template_id,
        template_name=template.name,
        description=describe(template, _money_of(session)),
        member_id=coupon.member_id,
        member_name=member.name if member else "?",
        state=coupon.state,
        state_label=_(STATE_LABELS.get(coupon.state, coupon.state)),
        valid_from=coupon.valid_from,
        valid_to=coupon.valid_to,
        origin=coupon.origin,
        used_sale_id=coupon.used_sale_id,
        expired=coupon.valid_to is not None and day > coupon.valid_to,
        face_value_cents=template.amount_cents if template.kind == CouponKind.VOUCHER else 0,
    )


def add_event(
    session: Session,
    actor: Actor,
    coupon_id: int,
    kind: str,
    *,
    sale_id: int | None = None,
    refund_id: int | None = None,
    amount_cents: int = 0,
    reason: str = "",
) -> None:
    session.add(
        CouponEvent(
            coupon_id=coupon_id,
            kind=kind,
            sale_id=sale_id,
            refund_id=refund_id,
            amount_cents=amount_cents,
            reason=reason[:200],
            staff_id=actor.staff_id,
            at=utc_now(),
        )
    )
    session.flush()


def issue_in_session(
    session: Session,
    actor: Actor,
    template: CouponTemplate,
    member_id: int,
    origin: str,
    *,
    issue_key: str | None = None,
    today: date | None = None,
) -> Coupon | None:
    """Issue one coupon inside the caller's transaction (top-up promotions, referrals,
    runs); None when ``issue_key`` was issued before."""
    if (
        issue_key is not None
        and session.exec(select(Coupon.id).where(col(Coupon.issue_key) == issue_key)).first()
    ):
        return None
    if not template.active:
        raise Conflict(
            _("Coupon {name} is retired and is no longer issued.").format(name=template.name)
        )
    day = today or shop_today(session)
    valid_from, valid_to = validity(
        day,
        valid_from=template.valid_from,
        valid_to=template.valid_to,
        valid_days=template.valid_days,
    )
    if valid_to is not None and valid_to < day:
        raise Conflict(_("Coupon {name} ended on {day}.").format(name=template.name, day=valid_to))
    coupon = Coupon(
        code=f"new-{uuid.uuid4().hex[:12]}",
        template_id=template.id or 0,
        member_id=member_id,
        state=CouponState.AVAILABLE.value,
        valid_from=valid_from,
        valid_to=valid_to,
        origin=origin,
        issue_key=issue_key,
        issued_at=utc_now(),
    )
    session.add(coupon)
    session.flush()
    assert coupon.id is not None
    coupon.code = code_for_serial(coupon.id)
    session.add(coupon)
    add_event(session, actor, coupon.id, "issue", reason=origin)
    return coupon


def issue(
    uow: UnitOfWork, actor: Actor, template_id: int, member_id: int, *, key: str | None = None
) -> CouponView:
    """Give one member a coupon; ``key`` (made when the dialog opens) issues once. Audited."""
    require(actor, "coupon.issue")
    with uow.transaction() as session:
        member = load_member(session, member_id)
        if member.status != "active":
            raise Conflict(_("{name} is archived: restore them first.").format(name=member.name))
        template = _template(session, template_id)
        issue_key = f"manual:{key}" if key else None
        coupon = issue_in_session(
            session, actor, template, member_id, "manual", issue_key=issue_key
        )
        if coupon is None:
            existing = session.exec(select(Coupon).where(col(Coupon.issue_key) == issue_key)).one()
            return coupon_view(session, existing)
        audit.record(
            session,
            actor,
            "coupon.issue",
            "member",
            member_id,
            after={"coupon": coupon.code, "template": template.name},
        )
        return coupon_view(session, coupon)


def issue_to_segment(
    uow: UnitOfWork, actor: Actor, template_id: int, segment: str, *, key: str
) -> IssueRun:
    """One coupon to every active member of a segment, in one transaction. ``key`` names
    the batch: running the same batch again issues nothing twice. Audited."""
    require(actor, "coupon.issue_batch")
    from salon_tui.services.member_segments import segment_member_ids

    with uow.transaction() as session:
        template = _template(session, template_id)
        member_ids = segment_member_ids(session, segment)
        codes: list[str] = []
        already = 0
        for member_id in member_ids:
            coupon = issue_in_session(
                session, actor, template, member_id, "segment", issue_key=f"batch:{key}:{member_id}"
            )
            if coupon is None:
                already += 1
            else:
                codes.append(coupon.code)
        audit.record(
            session,
            actor,
            "coupon.issue_segment",
            "coupon_template",
            template_id,
            after={"segment": segment, "issued": len(codes), "already": already, "batch": key},
        )
        return IssueRun(template.name, len(codes), already, tuple(codes))


def _birthday_in(member: Member, start: date, end: date) -> date | None:
    if member.birth_month is None or member.birth_day is None:
        return None
    for year in range(start.year, end.year + 1):
        day = member.birth_day
        if member.birth_month == 2 and day == 29:
            try:
                date(year, 2, 29)
            except ValueError:
                day = 28
        try:
            birthday = date(year, member.birth_month, day)
        except ValueError:
            continue
        if start <= birthday <= end:
            return birthday
    return None


def issue_birthdays(
    uow: UnitOfWork,
    actor: Actor,
    *,
    template_id: int | None = None,
    days_ahead: int | None = None,
    today: date | None = None,
) -> IssueRun:
    """A birthday coupon for every active member whose birthday falls between today and
    ``days_ahead`` days on; once per member per birthday, however often it runs."""
    require(actor, "coupon.issue_batch")
    with uow.transaction() as session:
        settings = load_settings(session)
        chosen = template_id if template_id is not None else settings.birthday_template_id
        if chosen is None:
            raise ValidationError(
                _(
                    "Choose the birthday coupon first: `salon coupon settings --birthday-template NAME`."
                ),
                field="template",
            )
        template = _template(session, chosen)
        ahead = settings.birthday_days_ahead if days_ahead is None else days_ahead
        if not 0 <= ahead <= 60:
            raise ValidationError(_("Birthday coupons go out 0 to 60 days ahead."), field="days")
        start = today or shop_today(session)
        end = start + timedelta(days=ahead)
        months = {start.month, end.month} | {
            (start + timedelta(days=offset)).month for offset in range(0, ahead + 1, 28)
        }
        candidates = session.exec(
            select(Member).where(
                col(Member.status) == "active",
                col(Member.birth_month).in_(sorted(months)),
            )
        ).all()
        codes: list[str] = []
        already = 0
        for member in candidates:
            birthday = _birthday_in(member, start, end)
            if birthday is None:
                continue
            assert member.id is not None
            coupon = issue_in_session(
                session,
                actor,
                template,
                member.id,
                "birthday",
                issue_key=f"birthday:{member.id}:{birthday.year}",
                today=start,
            )
            if coupon is None:
                already += 1
            else:
                codes.append(coupon.code)
        audit.record(
            session,
            actor,
            "coupon.birthdays",
            "coupon_template",
            template.id,
            after={"from": start.isoformat(), "to": end.isoformat(), "issued": len(codes)},
        )
        return IssueRun(template.name, len(codes), already, tuple(codes))


def coupon_by_code(session: Session, text: str, *, lock: bool = False) -> Coupon:
    from stdnum import luhn

    code = clean_code(text)
    if looks_like_coupon(code) and not luhn.is_valid(code):
        raise ValidationError(
            _("{code} has a wrong check digit: a digit was mistyped or misread.").format(code=code),
            field="code",
        )
    query = select(Coupon).where(col(Coupon.code) == code)
    if lock:
        query = query.with_for_update()
    coupon = session.exec(query).first()
    if coupon is None:
        raise NotFound(_("There is no coupon {code}.").format(code=code or text))
    return coupon


def check_coupon(uow: UnitOfWork, actor: Actor, code: str) -> CouponCheck:
    """Whether a coupon can be used today (by its holder), and why not."""
    require(actor, "coupon.view")
    with uow.read() as session:
        coupon = coupon_by_code(session, code)
        template = _template(session, coupon.template_id)
        terms = terms_of(coupon, template)
        reason = refusal(terms, member_id=coupon.member_id, lines=None, today=shop_today(session))
        view = coupon_view(session, coupon)
        if reason is None:
            return CouponCheck(view, True, "")
        return CouponCheck(
            view,
            False,
            explain_refusal(reason, terms, _money_of(session)(template.min_spend_cents)),
        )


def list_coupons(
    uow: UnitOfWork,
    actor: Actor,
    *,
    member_id: int | None = None,
    state: str | None = None,
    limit: int = 500,
) -> list[CouponView]:
    """Coupons newest first: one member's, or everyone's; optionally in one state."""
    require(actor, "coupon.view")
    with uow.read() as session:
        query = select(Coupon).order_by(col(Coupon.id).desc()).limit(limit)
        if member_id is not None:
            query = query.where(col(Coupon.member_id) == member_id)
        if state:
            if state not in STATE_LABELS:
                raise ValidationError(_("A coupon is available, used or void."), field="state")
            query = query.where(col(Coupon.state) == state)
        today = shop_today(session)
        return [coupon_view(session, coupon, today) for coupon in session.exec(query).all()]


def void_coupon(uow: UnitOfWork, actor: Actor, code: str, reason: str) -> CouponView:
    """Cancel an unused coupon issued by mistake, with a reason. Audited."""
    require(actor, "coupon.void")
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")
    with uow.transaction() as session:
        coupon = coupon_by_code(session, code, lock=True)
        result = session.execute(
            update(Coupon)
            .where(col(Coupon.id) == coupon.id, col(Coupon.state) == CouponState.AVAILABLE.value)
            .values(state=CouponState.VOID.value)
        )
        if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
            raise Conflict(_("Only an unused coupon can be cancelled."))
        assert coupon.id is not None
        add_event(session, actor, coupon.id, "void", reason=cleaned)
        audit.record(
            session,
            actor,
            "coupon.void",
            "member",
            coupon.member_id,
            after={"coupon": coupon.code, "reason": cleaned},
        )
        session.refresh(coupon)
        return coupon_view(session, coupon)


# --- checks, merge, timeline, liabilities ----------------------------------------------

_STATE_AFTER = {"issue": "available", "use": "used", "restore": "available", "void": "void"}


def check_coupon_ledger(session: Session) -> list[str]:
    """Each coupon's state is what its last event says; each template's use count is its
    coupons' uses minus restorations."""
    last: dict[int, str] = {}
    for coupon_id, kind in session.exec(
        select(CouponEvent.coupon_id, CouponEvent.kind).order_by(col(CouponEvent.id))
    ):
        last[int(coupon_id)] = kind
    templates: dict[int, int] = {}
    problems = []
    for coupon in session.exec(select(Coupon)).all():
        expected = _STATE_AFTER.get(last.get(coupon.id or 0, ""), "?")
        if coupon.state != expected:
            problems.append(
                _("Coupon {code}: state {state} but its events say {expected}.").format(
                    code=coupon.code, state=coupon.state, expected=expected
                )
            )
        if coupon.state == "used":
            templates[coupon.template_id] = templates.get(coupon.template_id, 0) + 1
    for template in session.exec(select(CouponTemplate)).all():
        if template.used_count != templates.get(template.id or 0, 0):
            problems.append(
                _("Coupon template {name}: {count} used but {actual} coupons are used.").format(
                    name=template.name,
                    count=template.used_count,
                    actual=templates.get(template.id or 0, 0),
                )
            )
    return problems


def merge_coupons(session: Session, keep_id: int, drop_id: int) -> int:
    result = session.execute(
        update(Coupon).where(col(Coupon.member_id) == drop_id).values(member_id=keep_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def timeline_events(session: Session, member_id: int) -> Iterable[Any]:
    from salon_tui.services.member_timeline import TimelineEvent

    rows = session.exec(
        select(CouponEvent, Coupon, CouponTemplate.name)
        .join(Coupon, col(Coupon.id) == col(CouponEvent.coupon_id))
        .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
        .where(col(Coupon.member_id) == member_id)
    ).all()
    texts = {
        "issue": N_("Coupon {code} issued: {name}"),
        "use": N_("Coupon {code} used"),
        "restore": N_("Coupon {code} given back by a refund"),
        "void": N_("Coupon {code} cancelled"),
    }
    for event, coupon, name in rows:
        template = texts.get(event.kind)
        if template:
            yield TimelineEvent(event.at, "coupon", _(template).format(code=coupon.code, name=name))


def vouchers_outstanding(
    session: Session, day: date, at: datetime | None = None
) -> tuple[int, int]:
    """Unused, unexpired vouchers (代金券) on ``day``: how many and their face value.

    With ``at``, coupons issued before ``at`` and not used or cancelled by then."""
    query = (
        select(Coupon.id, CouponTemplate.amount_cents)
        .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
        .where(
            col(CouponTemplate.kind) == CouponKind.VOUCHER.value,
            or_(col(Coupon.valid_to).is_(None), col(Coupon.valid_to) >= day),
        )
    )
    if at is None:
        query = query.where(col(Coupon.state) == CouponState.AVAILABLE.value)
        rows = [(int(coupon_id or 0), amount) for coupon_id, amount in session.exec(query).all()]
    else:
        rows = [
            (int(coupon_id or 0), amount)
            for coupon_id, amount in session.exec(query.where(col(Coupon.issued_at) < at)).all()
            if _state_at(session, int(coupon_id or 0), at) == CouponState.AVAILABLE.value
        ]
    return len(rows), sum(int(amount) for _id, amount in rows)


def _state_at(session: Session, coupon_id: int, at: datetime) -> str:
    kind = session.exec(
        select(CouponEvent.kind)
        .where(col(CouponEvent.coupon_id) == coupon_id, col(CouponEvent.at) < at)
        .order_by(col(CouponEvent.id).desc())
    ).first()
    return _STATE_AFTER.get(kind or "", "?")
