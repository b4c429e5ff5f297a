"""The service menu: categories, codes, prices by level, search, retiring."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import audit, catalog, categories
from tests.services.catalog_helpers import COLOUR_EAN, make_product, make_service


def test_a_service_is_stored_with_its_level_prices_and_audited(
    uow: UnitOfWork, owner: Actor
) -> None:
    categories.add_category(uow, owner, "烫染", "Perm & colour")
    added = catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="s006",
            name="染发",
            name_en="Colour",
            category="perm & colour",
            price_cents=48800,
            duration_min=120,
            processing_min=35,
            resources=["chair", "Basin"],
            needs_patch_test=True,
            level_prices={"总监": 68800, "发型师": 48800},
        ),
    )
    assert added.code == "S006"
    assert added.category_name == "烫染"
    assert added.resources == ("chair", "basin")
    assert added.price_for_level("总监") == 68800
    assert added.price_for_level("学徒") == 48800
    assert catalog.find_service(uow, "S006").needs_patch_test is True
    entry = audit.list_entries(uow, owner)[-1]
    assert entry.action == "catalog.service_add"
    assert entry.after["level_prices"] == {"总监": 68800, "发型师": 48800}


def test_services_are_found_by_code_name_english_and_pinyin(uow: UnitOfWork, owner: Actor) -> None:
    make_service(uow, owner, "S001", name="精剪")
    make_service(uow, owner, "S002", name="洗吹")
    for query in ("s001", "精剪", "precision", "jingjian", "jj"):
        assert [s.code for s in catalog.list_services(uow, query=query)][:1] == ["S001"], query
    assert {s.code for s in catalog.list_services(uow, query="xc")} == {"S002"}


def test_a_duplicate_code_is_refused(uow: UnitOfWork, owner: Actor) -> None:
    make_service(uow, owner, "S001")
    with pytest.raises(Conflict, match="S001 is already used"):
        make_service(uow, owner, "ｓ００１", name="另一个")
    assert len(catalog.list_services(uow)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price_cents": -1}, "price"),
        ({"duration_min": 0}, "duration"),
        ({"processing_min": 45}, "processing"),
        ({"resources": ["sofa"]}, "resources"),
        ({"code": "S\x071"}, "code"),
        ({"code": "S" * 21}, "code"),
        ({"name": ""}, "name"),
        ({"category": "nope"}, "category"),
        ({"level_prices": {"总监": 0}}, "level_price"),
    ],
)
def test_bad_service_input_is_refused_and_nothing_changes(
    uow: UnitOfWork, owner: Actor, changes: dict[str, object], field: str
) -> None:
    service = make_service(uow, owner)
    draft = catalog.current_draft(service)
    from dataclasses import replace

    with pytest.raises(ValidationError) as refused:
        catalog.update_service(uow, owner, service.id, replace(draft, **changes))
    assert refused.value.field == field
    assert catalog.get_service(uow, service.id) == service


def test_a_recipe_names_back_bar_products(uow: UnitOfWork, owner: Actor) -> None:
    colour = make_product(
        uow, owner, "CL01", barcode=COLOUR_EAN, name="染膏 6/0", use="professional", price=0
    )
    service = make_service(uow, owner, "S006", name="染发", recipe={colour.id: 60})
    assert [(item.sku, item.quantity) for item in service.recipe] == [("CL01", 60)]


def test_retiring_a_service_hides_it_but_keeps_it(uow: UnitOfWork, owner: Actor) -> None:
    service = make_service(uow, owner)
    catalog.set_service_active(uow, owner, service.id, False)
    assert catalog.list_services(uow) == []
    assert catalog.list_services(uow, include_inactive=True)[0].active is False
    assert audit.list_entries(uow, owner)[-1].action == "catalog.service_retire"


def test_retiring_a_service_with_future_bookings_lists_them(
    uow: UnitOfWork, owner: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = make_service(uow, owner)

    def future_bookings(session: Session, service_id: int) -> list[str]:
        return ["2026-12-01 10:00 陈女士"] if service_id == service.id else []

    monkeypatch.setattr(catalog, "RETIRE_CHECKS", [future_bookings])
    with pytest.raises(Conflict, match="2026-12-01 10:00 陈女士"):
        catalog.set_service_active(uow, owner, service.id, False)
    assert catalog.get_service(uow, service.id).active is True


def test_a_category_with_active_services_cannot_be_retired(uow: UnitOfWork, owner: Actor) -> None:
    service = make_service(uow, owner)
    with pytest.raises(Conflict, match="S001"):
        categories.update_category(uow, owner, service.category_id, active=False)


def test_stylists_and_front_desk_cannot_change_the_menu(uow: UnitOfWork, make_actor) -> None:
    stylist: Actor = make_actor(Role.STYLIST)
    with pytest.raises(PermissionDenied):
        categories.add_category(uow, stylist, "美甲")
    assert categories.list_categories(uow) == []
