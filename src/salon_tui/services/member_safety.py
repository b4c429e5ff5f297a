"""Client safety and technical records: allergies, patch tests and colour/perm formulas.

Allergies show as a warning wherever the member appears. A patch test is valid for a
number of days set per service category (Settings key ``members.patch_test_days``);
services that need one ask ``has_valid_patch_test`` before they are booked or sold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from salon_tui.data.models import Allergy, Formula, PatchTest, Service, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.dates import parse_date
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.members import load_member, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.settings import read_setting

PATCH_TEST_DAYS_KEY = "members.patch_test_days"
DEFAULT_PATCH_TEST_DAYS = {"colour": 180, "lash": 180, "perm": 180}
SEVERITIES = {"mild": N_("mild"), "moderate": N_("moderate"), "severe": N_("severe")}
RESULTS = {"pass": N_("pass"), "fail": N_("fail")}
FORMULA_KINDS = {"colour": N_("colour"), "perm": N_("perm"), "other": N_("other")}


@dataclass(frozen=True)
class AllergyView:
    id: int
    substance: str
    reaction: str
    severity: str
    recorded_at: datetime


@dataclass(frozen=True)
class PatchTestView:
    id: int
    tested_on: date
    product: str
    category: str
    result: str
    valid_until: date
    note: str


@dataclass(frozen=True)
class FormulaView:
    id: int
    visit_on: date
    kind: str
    products: str
    developer: str
    processing_minutes: int | None
    stylist: str
    note: str


@dataclass(frozen=True)
class SafetyRecords:
    allergies: tuple[AllergyView, ...]
    patch_tests: tuple[PatchTestView, ...]
    formulas: tuple[FormulaView, ...]


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise ValidationError(_("This cannot be empty."), field=field)
    if len(cleaned) > limit:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=limit), field=field
        )
    return cleaned


def _day(value: date | str, field: str, today: date) -> date:
    if isinstance(value, str):
        try:
            value = parse_date(value)
        except ValueError as error:
            raise ValidationError(str(error), field=field) from None
    if value > today:
        raise ValidationError(_("That date is in the future."), field=field)
    return value


def _active_member(session: Session, member_id: int) -> None:
    member = load_member(session, member_id)
    if member.status != "active":
        raise Conflict(_("{name} is archived: restore the member first.").format(name=member.name))


def patch_test_days(session: Session, category: str) -> int:
    days = read_setting(session, PATCH_TEST_DAYS_KEY, DEFAULT_PATCH_TEST_DAYS)
    return int(days.get(category, DEFAULT_PATCH_TEST_DAYS.get(category, 180)))


def add_allergy(
    uow: UnitOfWork,
    actor: Actor,
    member_id: int,
    substance: str,
    reaction: str = "",
    severity: str = "moderate",
) -> AllergyView:
    """Record an allergy or sensitivity: a warning wherever the member appears from now on."""
    require(actor, "member.safety")
    cleaned = _text(substance, "substance", 100, required=True)
    if severity not in SEVERITIES:
        raise ValidationError(_("Severity is mild, moderate or severe."), field="severity")
    with uow.transaction() as session:
        _active_member(session, member_id)
        row = Allergy(
            member_id=member_id,
            substance=cleaned,
            reaction=_text(reaction, "reaction", 200),
            severity=severity,
            recorded_by=actor.staff_id,
            recorded_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session, actor, "member.allergy_add", "member", member_id, after={"allergy_id": row.id}
        )
        assert row.id is not None
        return AllergyView(row.id, row.substance, row.reaction, row.severity, row.recorded_at)


def remove_allergy(uow: UnitOfWork, actor: Actor, allergy_id: int) -> None:
    """Mark an allergy as no longer true (the record stays in the history)."""
    require(actor, "member.safety")
    with uow.transaction() as session:
        row = session.get(Allergy, allergy_id)
        if row is None or row.removed_at is not None:
            raise NotFound(_("There is no allergy record #{id}.").format(id=allergy_id))
        row.removed_at = utc_now()
        session.add(row)
        audit.record(
            session,
            actor,
            "member.allergy_remove",
            "member",
            row.member_id,
            after={"allergy_id": allergy_id},
        )


def add_patch_test(
    uow: UnitOfWork,
    actor: Actor,
    member_id: int,
    tested_on: date | str,
    product: str,
    result: str,
    category: str = "colour",
    note: str = "",
) -> PatchTestView:
    """Record a patch test; it is valid for the category's number of days if it passed."""
    require(actor, "member.safety")
    if result not in RESULTS:
        raise ValidationError(_("The result is pass or fail."), field="result")
    with uow.transaction() as session:
        _active_member(session, member_id)
        row = PatchTest(
            member_id=member_id,
            tested_on=_day(tested_on, "tested_on", shop_today(session)),
            product=_text(product, "product", 100, required=True),
            category=_text(category, "category", 40, required=True),
            result=result,
            note=_text(note, "note", 200),
            staff_id=actor.staff_id,
            recorded_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "member.patch_test",
            "member",
            member_id,
            after={"patch_test_id": row.id, "result": result},
        )
        return _patch_view(session, row)


def patch_test_category(service: Service | None) -> str:
    """The patch-test category a service needs: lashes for lash services, else colour."""
    if service is None:
        return "colour"
    text = f"{service.code} {service.name} {service.name_en}".lower()
    return "lash" if ("lash" in text or "睫" in text) else "colour"


def patch_valid_until(session: Session, row: PatchTest) -> date:
    """The last day a patch test counts (a failed one never does past its own day)."""
    if row.result != "pass":
        return row.tested_on
    return row.tested_on + timedelta(days=patch_test_days(session, row.category))


def _patch_view(session: Session, row: PatchTest) -> PatchTestView:
    assert row.id is not None
    valid_until = patch_valid_until(session, row)
    return PatchTestView(
        row.id, row.tested_on, row.product, row.category, row.result, valid_until, row.note
    )


def has_valid_patch_test(session: Session, member_id: int, category: str, on: date) -> bool:
    """True when the member passed a patch test for ``category`` that is still valid on ``on``."""
    rows = session.exec(
        select(PatchTest).where(
            col(PatchTest.member_id) == member_id,
            col(PatchTest.category) == category,
        )
    ).all()
    latest = max(rows, key=lambda row: (row.tested_on, row.id or 0), default=None)
    return (
        latest is not None
        and latest.result == "pass"
        and on <= _patch_view(session, latest).valid_until
    )


def add_formula(
    uow: UnitOfWork,
    actor: Actor,
    member_id: int,
    visit_on: date | str,
    products: str,
    *,
    kind: str = "colour",
    developer: str = "",
    processing_minutes: int | None = None,
    stylist_id: int | None = None,
    note: str = "",
) -> FormulaView:
    """Record the colour or perm formula used at a visit."""
    require(actor, "member.safety")
    if kind not in FORMULA_KINDS:
        raise ValidationError(_("The kind is colour, perm or other."), field="kind")
    if processing_minutes is not None and not 0 < processing_minutes <= 600:
        raise ValidationError(
            _("Processing time is between 1 and 600 minutes."), field="processing_minutes"
        )
    with uow.transaction() as session:
        _active_member(session, member_id)
        if stylist_id is not None and session.get(Staff, stylist_id) is None:
            raise ValidationError(
                _("There is no staff member #{id}.").format(id=stylist_id), field="stylist"
            )
        row = Formula(
            member_id=member_id,
            visit_on=_day(visit_on, "visit_on", shop_today(session)),
            kind=kind,
            products=_text(products, "products", 300, required=True),
            developer=_text(developer, "developer", 60),
            processing_minutes=processing_minutes,
            stylist_id=stylist_id if stylist_id is not None else actor.staff_id,
            note=_text(note, "note", 300),
            recorded_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session, actor, "member.formula", "member", member_id, after={"formula_id": row.id}
        )
        return _formula_view(session, row)


def _formula_view(session: Session, row: Formula) -> FormulaView:
    assert row.id is not None
    stylist = session.get(Staff, row.stylist_id) if row.stylist_id else None
    return FormulaView(
        row.id,
        row.visit_on,
        row.kind,
        row.products,
        row.developer,
        row.processing_minutes,
        stylist.name if stylist else "",
        row.note,
    )


def safety_records(uow: UnitOfWork, actor: Actor, member_id: int) -> SafetyRecords:
    """A member's current allergies, patch tests and formulas, newest first."""
    require(actor, "member.view")
    with uow.read() as session:
        load_member(session, member_id)
        allergies = session.exec(
            select(Allergy)
            .where(col(Allergy.member_id) == member_id, col(Allergy.removed_at).is_(None))
            .order_by(col(Allergy.recorded_at))
        ).all()
        tests = session.exec(
            select(PatchTest)
            .where(col(PatchTest.member_id) == member_id)
            .order_by(col(PatchTest.tested_on).desc(), col(PatchTest.id).desc())
        ).all()
        formulas = session.exec(
            select(Formula)
            .where(col(Formula.member_id) == member_id)
            .order_by(col(Formula.visit_on).desc(), col(Formula.id).desc())
        ).all()
        return SafetyRecords(
            tuple(
                AllergyView(a.id or 0, a.substance, a.reaction, a.severity, a.recorded_at)
                for a in allergies
            ),
            tuple(_patch_view(session, row) for row in tests),
            tuple(_formula_view(session, row) for row in formulas),
        )
