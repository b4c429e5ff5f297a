"""`salon member …`: find, add, edit, archive and merge members; their safety records."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    print_json,
    print_table,
)
from salon_tui.i18n import N_, _

if TYPE_CHECKING:
    from salon_tui.services.member_search import MemberHit
    from salon_tui.services.members import MemberView

app = new_app(
    _("Members: search, show, add, edit, archive, merge; allergies, patch tests, formulas.")
)

MemberArg = Annotated[str, typer.Argument(help=_("The member: id (#12), card number or phone."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Print JSON."))]


def _open(ctx: typer.Context) -> tuple[Any, Any]:
    uow = open_database()
    return uow, acting_staff(ctx, uow)


def _member_id(uow: Any, actor: Any, reference: str) -> int:
    from salon_tui.services import members

    return members.resolve_member(uow, actor, reference)


def _hit_rows(hits: list[MemberHit]) -> list[tuple[Any, ...]]:
    return [
        (
            f"#{hit.id}",
            hit.name,
            hit.phone,
            hit.level,
            hit.card_number,
            _("archived") if hit.is_archived else "",
            ("⚠ " + hit.allergies) if hit.allergies else "",
        )
        for hit in hits
    ]


HIT_HEADERS = (
    N_("ID"),
    N_("Name"),
    N_("Phone"),
    N_("Level"),
    N_("Card"),
    N_("Status"),
    N_("Allergies"),
)


def _print_hits(hits: list[MemberHit], as_json: bool) -> None:
    if as_json:
        print_json([hit.__dict__ for hit in hits])
        return
    print_table([_(header) for header in HIT_HEADERS], _hit_rows(hits))


def _profile(view: MemberView) -> dict[str, Any]:
    data = dict(view.__dict__)
    data["cards"] = [card.__dict__ for card in view.cards]
    data["tags"] = list(view.tags)
    data["allergies"] = list(view.allergies)
    return data


def _print_profile(view: MemberView) -> None:
    from salon_tui.domain.members import GENDERS
    from salon_tui.services.cards import status_label

    lines = [
        (_("Member"), f"#{view.id} {view.name}"),
        (_("Status"), _("archived") if view.is_archived else _("active")),
        (_("Phone"), view.phone),
        (_("Gender"), _(GENDERS[view.gender]) if view.gender else ""),
        (_("Birthday"), view.birthday),
        (_("Level"), view.level),
        (_("Tags"), ", ".join(view.tags)),
        (_("Source"), view.source),
        (_("Referred by"), view.referrer),
        (_("Preferred stylist"), view.preferred_stylist),
        (_("SMS allowed"), _("yes") if view.consent_sms else _("no")),
        (_("Email allowed"), _("yes") if view.consent_email else _("no")),
        (_("Notes"), view.notes),
        (_("Preferences"), view.preferences),
    ]
    if view.allergies:
        lines.insert(1, (_("⚠ Allergies"), ", ".join(view.allergies)))
    for card in view.cards:
        lines.append((_("Card"), f"{card.number} ({_(status_label(card.status))})"))
    width = max(len(label) for label, _value in lines)
    for label, value in lines:
        if value:
            typer.echo(f"{label.ljust(width)}  {value}")


@app.command("search", help=_("Find members by card, phone, last 4 digits, name or pinyin."))
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help=_("What to look for, e.g. zs, 8000, 王芳."))],
    archived: Annotated[
        bool, typer.Option("--archived", help=_("Include archived members."))
    ] = False,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services.member_search import search_members

    uow, actor = _open(ctx)
    result = search_members(uow, actor, query, include_archived=archived)
    if result.notice:
        typer.echo(result.notice, err=True)
    _print_hits(list(result.hits), as_json)


@app.command("list", help=_("List members, optionally by segment (see `salon member segments`)."))
def list_command(
    ctx: typer.Context,
    segment: Annotated[
        str | None,
        typer.Option(
            "--segment", help=_("A segment: birthdays-week, tag:VIP, not-seen:90 or a saved name.")
        ),
    ] = None,
    archived: Annotated[
        bool, typer.Option("--archived", help=_("Include archived members."))
    ] = False,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services.member_segments import list_members

    uow, actor = _open(ctx)
    _print_hits(list_members(uow, actor, segment=segment, include_archived=archived), as_json)


@app.command("segments", help=_("The segment rules and the saved segments."))
def segments_command(ctx: typer.Context) -> None:
    from salon_tui.services.member_segments import SEGMENT_RULES, saved_segments

    uow, _actor = _open(ctx)
    rows = [
        (rule.name + (f":<{_(rule.parameter)}>" if rule.parameter else ""), _(rule.title))
        for rule in SEGMENT_RULES.values()
    ]
    rows += [(name, spec) for name, spec in saved_segments(uow).items()]
    print_table([_("Segment"), _("What it lists")], rows)


@app.command("save-segment", help=_("Save a segment under a name, e.g. VIP生日 tag:VIP."))
def save_segment_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The name to save it under."))],
    spec: Annotated[str, typer.Argument(help=_("The rule, e.g. birthdays-month:12."))],
) -> None:
    from salon_tui.services.member_segments import save_segment

    uow, actor = _open(ctx)
    save_segment(uow, actor, name, spec)
    typer.echo(_("Saved segment {name}.").format(name=name))


@app.command("show", help=_("Show a member's profile and cards."))
def show_command(ctx: typer.Context, member: MemberArg, as_json: JsonOption = False) -> None:
    from salon_tui.services import members

    uow, actor = _open(ctx)
    view = members.get_member(uow, actor, _member_id(uow, actor, member))
    if as_json:
        print_json(_profile(view))
    else:
        _print_profile(view)


def _fields(**given: Any) -> dict[str, Any]:
    return {name: value for name, value in given.items() if value is not None}


NameOpt = Annotated[str | None, typer.Option("--name", help=_("Their name."))]
PhoneOpt = Annotated[
    str | None, typer.Option("--phone", help=_("Mobile number (+86, spaces and dashes are fine)."))
]
GenderOpt = Annotated[str | None, typer.Option("--gender", help=_("female, male or other."))]
BirthdayOpt = Annotated[
    str | None, typer.Option("--birthday", help=_("YYYY-MM-DD, or MM-DD without the year."))
]
LevelOpt = Annotated[str | None, typer.Option("--level", help=_("Level name, e.g. 金卡会员."))]
TagsOpt = Annotated[str | None, typer.Option("--tags", help=_("Tags separated by commas."))]
SourceOpt = Annotated[
    str | None, typer.Option("--source", help=_("How they found the shop (walk-in, 美团 …)."))
]
ReferrerOpt = Annotated[
    str | None,
    typer.Option("--referrer", help=_("The member who referred them (id, card, phone).")),
]
NotesOpt = Annotated[str | None, typer.Option("--notes", help=_("Notes for the desk."))]
PrefsOpt = Annotated[
    str | None, typer.Option("--preferences", help=_("Preferred style and products."))
]
StylistOpt = Annotated[
    str | None, typer.Option("--stylist", help=_("Their preferred stylist (staff name)."))
]
EmailOpt = Annotated[str | None, typer.Option("--email", help=_("Email address."))]
SmsOpt = Annotated[
    bool | None, typer.Option("--sms/--no-sms", help=_("Whether they accept marketing SMS."))
]
MailOpt = Annotated[
    bool | None,
    typer.Option("--email-ok/--no-email-ok", help=_("Whether they accept marketing email.")),
]


@app.command("add", help=_("Add a member (and give them a card with --card)."))
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Their name."))],
    phone: PhoneOpt = None,
    gender: GenderOpt = None,
    birthday: BirthdayOpt = None,
    level: LevelOpt = None,
    tags: TagsOpt = None,
    source: SourceOpt = None,
    referrer: ReferrerOpt = None,
    notes: NotesOpt = None,
    preferences: PrefsOpt = None,
    stylist: StylistOpt = None,
    email: EmailOpt = None,
    sms: SmsOpt = None,
    email_ok: MailOpt = None,
    card: Annotated[
        bool, typer.Option("--card", help=_("Also issue a card with the next number."))
    ] = False,
) -> None:
    from salon_tui.services import cards, members

    uow, actor = _open(ctx)
    fields = _fields(
        name=name,
        phone=phone,
        gender=gender,
        birthday=birthday,
        level=level,
        tags=tags,
        source=source,
        referrer=referrer,
        notes=notes,
        preferences=preferences,
        preferred_stylist=stylist,
        email=email,
        consent_sms=sms,
        consent_email=email_ok,
    )
    added = members.add_member(uow, actor, **fields)
    typer.echo(_("Added member #{id} {name}.").format(id=added.id, name=added.name))
    if card:
        issued = cards.issue_card(uow, actor, added.id)
        typer.echo(_("Card {number} issued.").format(number=issued.number))


@app.command("edit", help=_("Change a member's profile; give only what changes."))
def edit_command(
    ctx: typer.Context,
    member: MemberArg,
    name: NameOpt = None,
    phone: PhoneOpt = None,
    gender: GenderOpt = None,
    birthday: BirthdayOpt = None,
    level: LevelOpt = None,
    tags: TagsOpt = None,
    source: SourceOpt = None,
    referrer: ReferrerOpt = None,
    notes: NotesOpt = None,
    preferences: PrefsOpt = None,
    stylist: StylistOpt = None,
    email: EmailOpt = None,
    sms: SmsOpt = None,
    email_ok: MailOpt = None,
) -> None:
    from salon_tui.commands._common import UsageProblem
    from salon_tui.services import members

    changes = _fields(
        name=name,
        phone=phone,
        gender=gender,
        birthday=birthday,
        level=level,
        tags=tags,
        source=source,
        referrer=referrer,
        notes=notes,
        preferences=preferences,
        preferred_stylist=stylist,
        email=email,
        consent_sms=sms,
        consent_email=email_ok,
    )
    if not changes:
        raise UsageProblem(_("Nothing to change: give at least one option (see --help)."))
    uow, actor = _open(ctx)
    changed = members.edit_member(uow, actor, _member_id(uow, actor, member), **changes)
    typer.echo(_("Saved #{id} {name}.").format(id=changed.id, name=changed.name))


@app.command("archive", help=_("Archive a member: hidden from search, history kept."))
def archive_command(ctx: typer.Context, member: MemberArg) -> None:
    from salon_tui.services import members

    uow, actor = _open(ctx)
    done = members.archive_member(uow, actor, _member_id(uow, actor, member))
    typer.echo(_("Archived #{id} {name}.").format(id=done.id, name=done.name))


@app.command("restore", help=_("Bring an archived member back."))
def restore_command(ctx: typer.Context, member: MemberArg) -> None:
    from salon_tui.services import members

    uow, actor = _open(ctx)
    done = members.restore_member(uow, actor, _member_id(uow, actor, member))
    typer.echo(_("Restored #{id} {name}.").format(id=done.id, name=done.name))


@app.command(
    "export-personal-data",
    help=_("Write everything held about one member to a .xlsx or .json file (owner)."),
)
def export_personal_data_command(
    ctx: typer.Context,
    member: MemberArg,
    out: Annotated[Path, typer.Option("--out", help=_("The file to write: .xlsx or .json."))],
) -> None:
    from salon_tui.services import member_privacy

    uow, actor = _open(ctx)
    written = member_privacy.export_personal_data(uow, actor, _member_id(uow, actor, member), out)
    typer.echo(_("Wrote {path}.").format(path=written))


@app.command(
    "erase",
    help=_(
        "Erase a member's personal data (owner): name, phone, birthday, notes, safety "
        "records and cards go; sales and balances stay, anonymous."
    ),
)
def erase_command(
    ctx: typer.Context,
    member: MemberArg,
    yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))] = False,
) -> None:
    from salon_tui.services import member_privacy, members

    uow, actor = _open(ctx)
    member_id = _member_id(uow, actor, member)
    view = members.get_member(uow, actor, member_id)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageProblem(_("Erasing cannot be undone: add --yes to confirm."))
        typer.confirm(
            _("Erase the personal data of #{id} {name}? This cannot be undone.").format(
                id=member_id, name=view.name
            ),
            abort=True,
        )
    done = member_privacy.erase_member(uow, actor, member_id)
    typer.echo(
        _("Erased the personal data of member #{id}; sales and balances stay, anonymous.").format(
            id=done.member_id
        )
    )


@app.command("merge", help=_("Merge the second member into the first (everything moves)."))
def merge_command(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help=_("The member to keep."))],
    other: Annotated[
        str, typer.Argument(help=_("The member whose records move and who is archived."))
    ],
) -> None:
    from salon_tui.services.member_merge import merge_members

    uow, actor = _open(ctx)
    result = merge_members(uow, actor, _member_id(uow, actor, keep), _member_id(uow, actor, other))
    moved = ", ".join(f"{name} {count}" for name, count in result.moved.items() if count)
    typer.echo(
        _("Merged #{merged} into #{kept} {name}. Moved: {moved}").format(
            merged=result.merged_id, kept=result.kept_id, name=result.kept_name, moved=moved or "—"
        )
    )


@app.command("timeline", help=_("Everything about a member in time order, newest first."))
def timeline_command(ctx: typer.Context, member: MemberArg, as_json: JsonOption = False) -> None:
    from salon_tui.domain.clock import shop_time
    from salon_tui.services.member_timeline import member_timeline
    from salon_tui.services.settings import get_shop_settings

    uow, actor = _open(ctx)
    events = member_timeline(uow, actor, _member_id(uow, actor, member))
    if as_json:
        print_json([event.__dict__ for event in events])
        return
    zone = get_shop_settings(uow).timezone
    print_table(
        [_("When"), _("What happened"), _("By")],
        [
            (shop_time(event.at, zone).strftime("%Y-%m-%d %H:%M"), event.text, event.staff)
            for event in events
        ],
    )


@app.command("allergy", help=_("Record an allergy or sensitivity (shown as a warning)."))
def allergy_command(
    ctx: typer.Context,
    member: MemberArg,
    substance: Annotated[str, typer.Argument(help=_("What they react to, e.g. PPD."))],
    reaction: Annotated[str, typer.Option("--reaction", help=_("What happens."))] = "",
    severity: Annotated[
        str, typer.Option("--severity", help=_("mild, moderate or severe."))
    ] = "moderate",
) -> None:
    from salon_tui.services import member_safety

    uow, actor = _open(ctx)
    member_safety.add_allergy(
        uow, actor, _member_id(uow, actor, member), substance, reaction, severity
    )
    typer.echo(_("Allergy recorded: {substance}.").format(substance=substance))


@app.command("patch-test", help=_("Record a patch test: date, product and result."))
def patch_test_command(
    ctx: typer.Context,
    member: MemberArg,
    product: Annotated[str, typer.Argument(help=_("The product tested."))],
    result: Annotated[str, typer.Argument(help=_("pass or fail."))],
    on: Annotated[str | None, typer.Option("--on", help=_("Test date (default today)."))] = None,
    category: Annotated[
        str, typer.Option("--category", help=_("Service category: colour, lash, perm …"))
    ] = "colour",
    note: Annotated[str, typer.Option("--note", help=_("A note."))] = "",
) -> None:
    from salon_tui.services import member_safety
    from salon_tui.services.members import shop_today

    uow, actor = _open(ctx)
    member_id = _member_id(uow, actor, member)
    if on is None:
        with uow.read() as session:
            on = shop_today(session).isoformat()
    test = member_safety.add_patch_test(
        uow, actor, member_id, on, product, result, category=category, note=note
    )
    typer.echo(_("Patch test recorded; valid until {day}.").format(day=test.valid_until))


@app.command("formula", help=_("Record a colour or perm formula used at a visit."))
def formula_command(
    ctx: typer.Context,
    member: MemberArg,
    products: Annotated[
        str, typer.Argument(help=_("Products and amounts, e.g. 'Koleston 7/0 30g + 6/0 30g'."))
    ],
    on: Annotated[str | None, typer.Option("--on", help=_("Visit date (default today)."))] = None,
    kind: Annotated[str, typer.Option("--kind", help=_("colour, perm or other."))] = "colour",
    developer: Annotated[str, typer.Option("--developer", help=_("Developer, e.g. 6%."))] = "",
    minutes: Annotated[
        int | None, typer.Option("--minutes", help=_("Processing time in minutes."))
    ] = None,
    note: Annotated[str, typer.Option("--note", help=_("A note."))] = "",
) -> None:
    from salon_tui.services import member_safety
    from salon_tui.services.members import shop_today

    uow, actor = _open(ctx)
    member_id = _member_id(uow, actor, member)
    if on is None:
        with uow.read() as session:
            on = shop_today(session).isoformat()
    member_safety.add_formula(
        uow,
        actor,
        member_id,
        on,
        products,
        kind=kind,
        developer=developer,
        processing_minutes=minutes,
        note=note,
    )
    typer.echo(_("Formula recorded."))


@app.command("levels", help=_("List the membership levels with their discounts and rules."))
def levels_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    from salon_tui.services.member_levels import list_levels

    uow, actor = _open(ctx)
    levels = list_levels(uow, actor)
    if as_json:
        print_json([level.__dict__ for level in levels])
        return
    print_table(
        [_("Level"), _("Service discount"), _("Product discount"), _("Points ×"), _("Members")],
        [
            (
                level.name,
                f"{level.service_discount_bp / 100:g}%",
                f"{level.product_discount_bp / 100:g}%",
                f"{level.points_multiplier_pct / 100:g}",
                level.members,
            )
            for level in levels
        ],
    )
