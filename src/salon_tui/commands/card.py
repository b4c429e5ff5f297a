"""`salon card …`: issue, report lost, replace and close member cards."""

from __future__ import annotations

from typing import Annotated

import typer

from salon_tui.commands._common import acting_staff, new_app, open_database, print_json
from salon_tui.i18n import _

app = new_app(_("Member cards: issue, report lost, replace, close, show."))

NumberArg = Annotated[str, typer.Argument(help=_("The card number."))]


@app.command("issue", help=_("Give a member a card: the next number, or --number as printed."))
def issue_command(
    ctx: typer.Context,
    member: Annotated[str, typer.Argument(help=_("The member: id (#12), card number or phone."))],
    number: Annotated[
        str | None,
        typer.Option("--number", help=_("A number already printed (legacy numbers accepted).")),
    ] = None,
) -> None:
    from salon_tui.services import cards, members

    uow = open_database()
    actor = acting_staff(ctx, uow)
    issued = cards.issue_card(uow, actor, members.resolve_member(uow, actor, member), number)
    typer.echo(
        _("Card {number} issued to {name}.").format(number=issued.number, name=issued.member_name)
    )


@app.command("lost", help=_("Report a card lost: it stops working at once."))
def lost_command(ctx: typer.Context, number: NumberArg) -> None:
    from salon_tui.services import cards

    uow = open_database()
    actor = acting_staff(ctx, uow)
    card = cards.report_lost(uow, actor, number)
    typer.echo(
        _("Card {number} of {name} is blocked. Replace it with `salon card replace`.").format(
            number=card.number, name=card.member_name
        )
    )


@app.command("replace", help=_("Give a new card for a lost or worn one; everything moves to it."))
def replace_command(
    ctx: typer.Context,
    member: Annotated[str, typer.Argument(help=_("The member: id (#12), card number or phone."))],
    number: Annotated[
        str | None, typer.Option("--number", help=_("The new card's printed number."))
    ] = None,
) -> None:
    from salon_tui.services import cards, members

    uow = open_database()
    actor = acting_staff(ctx, uow)
    card = cards.replace_card(uow, actor, members.resolve_member(uow, actor, member), number)
    typer.echo(
        _("Card {old} replaced by {new} for {name}.").format(
            old=card.replaced_number, new=card.number, name=card.member_name
        )
    )


@app.command("close", help=_("Close a card for good."))
def close_command(ctx: typer.Context, number: NumberArg) -> None:
    from salon_tui.services import cards

    uow = open_database()
    actor = acting_staff(ctx, uow)
    card = cards.close_card(uow, actor, number)
    typer.echo(_("Card {number} is closed.").format(number=card.number))


@app.command("show", help=_("Whose card this is and its state."))
def show_command(
    ctx: typer.Context,
    number: NumberArg,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import cards

    uow = open_database()
    actor = acting_staff(ctx, uow)
    card = cards.find_card(uow, actor, number)
    if as_json:
        print_json(card.__dict__)
        return
    typer.echo(
        _("Card {number}: {name} (#{id}), {status}.").format(
            number=card.number,
            name=card.member_name,
            id=card.member_id,
            status=_(cards.status_label(card.status)),
        )
    )
