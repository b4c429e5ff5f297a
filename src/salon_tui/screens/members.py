"""Members (F3): one search box with results as you type, and the selected member's profile.

Typing searches by card, phone, last four digits, name or pinyin (a scanned card lands in
the box like typing). Results and profile come from services in thread workers; a result
that arrives for an older query than the box now holds is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.devices import Scanned
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.key_list import KeyList
from salon_tui.widgets.member_results import MemberResults
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.screens.modals.member_segments import SegmentShown
    from salon_tui.services.member_safety import SafetyRecords
    from salon_tui.services.member_search import MemberHit, SearchResult
    from salon_tui.services.members import MemberView


def profile_text(view: MemberView, safety: SafetyRecords | None) -> str:
    """The profile as Rich markup; every stored text is escaped (names may hold `[`)."""
    from salon_tui.domain.members import GENDERS
    from salon_tui.services.cards import status_label

    lines = [f"[b]{shown(view.name)}[/b]  #{view.id}"]
    if view.is_archived:
        lines.append(f"[reverse] {_('archived')} [/reverse]")
    if view.allergies:
        allergy = _("ALLERGY: {items}").format(items=shown(", ".join(view.allergies)))
        lines.append(f"[b red]⚠ {allergy}[/]")
    fields = [
        (_("Phone"), view.phone),
        (_("Level"), view.level),
        (_("Birthday"), view.birthday),
        (_("Gender"), _(GENDERS[view.gender]) if view.gender else ""),
        (_("Tags"), ", ".join(view.tags)),
        (_("Source"), view.source),
        (_("Referred by"), view.referrer),
        (_("Preferred stylist"), view.preferred_stylist),
        (_("Notes"), view.notes),
        (_("Preferences"), view.preferences),
    ]
    lines += [f"{label}: {shown(value)}" for label, value in fields if value]
    for card in view.cards:
        lines.append(f"{_('Card')}: {card.number} ({_(status_label(card.status))})")
    if safety is not None:
        for test in safety.patch_tests[:3]:
            lines.append(
                _("Patch test {day} {product}: {result}, valid until {until}").format(
                    day=test.tested_on,
                    product=shown(test.product),
                    result=_(test.result),
                    until=test.valid_until,
                )
            )
        for formula in safety.formulas[:3]:
            lines.append(
                _("Formula {day}: {products} {developer}").format(
                    day=formula.visit_on,
                    products=shown(formula.products),
                    developer=shown(formula.developer),
                )
            )
    return "\n".join(lines)


class MembersScreen(SalonScreen):
    # The footer holds the everyday keys; every key is listed under the results.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add", N_("New member"), priority=True),
        Binding("ctrl+e", "edit", N_("Edit"), priority=True),
        Binding("ctrl+k", "card", N_("Card"), priority=True),
        Binding("ctrl+t", "safety", N_("Safety record"), show=False, priority=True),
        Binding("ctrl+y", "history", N_("Timeline"), priority=True),
        Binding("ctrl+b", "book", N_("Book"), priority=True),
        Binding("ctrl+o", "cards", N_("Top up on Cards"), show=False, priority=True),
        Binding("ctrl+f", "segments", N_("Segments"), show=False, priority=True),
        Binding("ctrl+g", "merge", N_("Merge"), show=False, priority=True),
        Binding("ctrl+r", "toggle_archived", N_("Archived on/off"), show=False, priority=True),
        Binding("escape", "back_to_search", N_("Search"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[MemberHit] = []
        self.include_archived = False
        self.shown_member: MemberView | None = None
        self.wanted_member_id: int | None = None
        # The member just added, edited or archived: the search run after the change
        # keeps showing them (see ``refresh_after_change``).
        self.changed_member_id: int | None = None
        self.notice_text = ""

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Members"))
        with Horizontal(id="members"):
            with Vertical(id="members-left"):
                yield Input(
                    placeholder=_("Card, phone, last 4 digits, name or pinyin (zs → 张三)"),
                    id="member-search",
                )
                yield Static("", id="member-notice")
                yield MemberResults(
                    (_("Name"), _("Phone"), _("Level"), _("Card"), "⚠"), id="member-results"
                )
                yield KeyList(self._keys(), id="members-keys")
            with VerticalScroll(id="members-right"):
                yield Static(_("Type to search; Ctrl+N adds a member."), id="member-profile")
        yield TranslatedFooter()

    def _keys(self) -> list[tuple[str, str]]:
        return [
            (self.app.get_key_display(binding), _(binding.description))
            for binding in self.BINDINGS
            if isinstance(binding, Binding) and binding.key.startswith("ctrl+")
        ]

    def on_mount(self) -> None:
        self.query_one("#member-search", Input).focus()

    # --- searching -----------------------------------------------------------------------

    def on_scanned(self, message: Scanned) -> None:
        """A scanned card is searched like its typed number: the member is listed, with a
        notice when the card was reported lost or replaced."""
        search = self.query_one("#member-search", Input)
        search.value = message.code.strip()
        search.cursor_position = len(search.value)
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "member-search":
            self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "member-search" and self.hits:
            self.query_one("#member-results", MemberResults).focus()

    def search(self, query: str) -> None:
        from salon_tui.services.member_search import search_members

        uow, actor = self.salon.uow, self.salon.session_actor
        archived = self.include_archived
        call_service(
            self,
            lambda: search_members(uow, actor, query, include_archived=archived),
            self.show_results,
            group="member-search",
        )

    def show_results(self, result: SearchResult) -> None:
        if result.query != self.query_one("#member-search", Input).value:
            return  # an older keystroke's answer
        self.show_notice(result.notice, error=bool(result.notice))
        changed, self.changed_member_id = self.changed_member_id, None
        self.fill_results(list(result.hits), keep=changed)
        if not self.hits and result.query.strip() and changed is None:
            self.query_one("#member-profile", Static).update(
                _("No member matches {query!r}. Ctrl+N adds one.").format(query=shown(result.query))
            )

    def show_segment(self, segment: SegmentShown) -> None:
        """The members of a segment in the list, in name order; typing searches again."""
        search = self.query_one("#member-search", Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self.workers.cancel_group(self, "member-search")
        count = len(segment.hits)
        text = _("Segment {title}: {count} members").format(title=segment.title, count=count)
        if count >= segment.limit:
            text += " · " + _("the first {limit} shown").format(limit=segment.limit)
        self.show_notice(text, error=False)
        self.fill_results(list(segment.hits))
        if not self.hits:
            self.query_one("#member-profile", Static).update(_("No member is in this segment."))

    def show_notice(self, text: str, *, error: bool) -> None:
        """The line under the search box; left alone when it would not change (an update
        lays the whole screen out again, on every keystroke)."""
        notice = self.query_one("#member-notice", Static)
        if text != self.notice_text:
            self.notice_text = text
            notice.update(shown(text))
        notice.set_class(error, "-error")

    def fill_results(self, hits: list[MemberHit], keep: int | None = None) -> None:
        """Show ``hits``; the cursor and profile on the first, or on the member ``keep``
        (just changed), whose profile stays even when the search no longer lists them
        (archived, and archived are hidden)."""
        self.hits = hits
        table = self.query_one("#member-results", MemberResults)
        table.show(hits)
        ids = [hit.id for hit in hits]
        if keep is not None and keep not in ids:
            return
        row = ids.index(keep) if keep is not None else 0
        if row:
            table.move_cursor(row)  # says Highlighted: its profile loads
        elif self.hits:
            self.load_profile(self.hits[0].id)
        else:
            self.shown_member = None

    def on_member_results_highlighted(self, event: MemberResults.Highlighted) -> None:
        self.load_profile(event.hit.id)

    def on_member_results_selected(self, event: MemberResults.Selected) -> None:
        if self.wanted_member_id != event.hit.id:
            self.load_profile(event.hit.id)

    def load_profile(self, member_id: int) -> None:
        from salon_tui.services import member_safety, members

        self.wanted_member_id = member_id
        if self.shown_member is not None and self.shown_member.id != member_id:
            self.shown_member = None  # no action on the previous member while this one loads

        uow, actor = self.salon.uow, self.salon.session_actor

        def load() -> tuple[MemberView, SafetyRecords]:
            return (
                members.get_member(uow, actor, member_id),
                member_safety.safety_records(uow, actor, member_id),
            )

        call_service(self, load, self.show_profile, group="member-profile")

    def show_profile(self, loaded: tuple[MemberView, SafetyRecords]) -> None:
        view, safety = loaded
        if view.id != self.wanted_member_id:
            return  # another member was chosen while this profile loaded
        self.shown_member = view
        self.query_one("#member-profile", Static).update(profile_text(view, safety))

    def refresh_after_change(self, member_id: int, message: str) -> None:
        self.notify(shown(message))
        # The search and the profile load in parallel, in either order: the search's
        # answer must not move the profile off this member (see ``show_results``).
        self.changed_member_id = member_id
        self.search(self.query_one("#member-search", Input).value)
        self.load_profile(member_id)

    # --- actions -------------------------------------------------------------------------

    def selected_member(self) -> MemberView | None:
        if self.shown_member is None:
            self.notify(_("Find a member first."), severity="warning")
        return self.shown_member

    def action_back_to_search(self) -> None:
        self.query_one("#member-search", Input).focus()

    def action_toggle_archived(self) -> None:
        self.include_archived = not self.include_archived
        self.notify(
            _("Showing archived members too.")
            if self.include_archived
            else _("Archived members hidden.")
        )
        self.search(self.query_one("#member-search", Input).value)

    def action_add(self) -> None:
        from salon_tui.screens.modals.member_form import MemberFormModal

        def added(view: Any) -> None:
            if view is not None:
                search = self.query_one("#member-search", Input)
                search.value = view.name
                self.refresh_after_change(view.id, _("{name} added.").format(name=view.name))

        self.app.push_screen(MemberFormModal(None), added)

    def action_edit(self) -> None:
        from salon_tui.screens.modals.member_form import MemberFormModal

        member = self.selected_member()
        if member is None:
            return

        def saved(view: Any) -> None:
            if view is None:
                return
            if view.is_archived and not member.is_archived:
                done = _("{name} archived: hidden from search, history kept.")
            elif member.is_archived and not view.is_archived:
                done = _("{name} restored.")
            else:
                done = _("{name} saved.")
            self.refresh_after_change(view.id, done.format(name=view.name))

        self.app.push_screen(MemberFormModal(member), saved)

    def action_card(self) -> None:
        from salon_tui.screens.modals.member_card import CardModal

        member = self.selected_member()
        if member is None:
            return

        def done(message: str | None) -> None:
            if message:
                self.refresh_after_change(member.id, message)

        self.app.push_screen(CardModal(member), done)

    def action_safety(self) -> None:
        from salon_tui.screens.modals.member_safety import SafetyModal

        member = self.selected_member()
        if member is None:
            return

        def done(message: str | None) -> None:
            if message:
                self.refresh_after_change(member.id, message)

        self.app.push_screen(SafetyModal(member), done)

    def action_cards(self) -> None:
        """Open F7 Cards on the member shown (top up, packages, points)."""
        from salon_tui.screens.cards import open_cards_for

        member = self.selected_member()
        if member is not None:
            open_cards_for(self.app, member.id)

    def action_book(self) -> None:
        """Book the member shown (F4's booking dialog with the client filled in)."""
        from salon_tui.screens.bookings import book_for_member

        member = self.selected_member()
        if member is not None:
            book_for_member(self, member)

    def action_history(self) -> None:
        from salon_tui.screens.modals.member_timeline import TimelineModal

        member = self.selected_member()
        if member is not None:
            self.app.push_screen(TimelineModal(member))

    def action_merge(self) -> None:
        from salon_tui.screens.modals.member_merge import MergeModal

        member = self.selected_member()
        if member is None:
            return
        if not self.salon.session_actor.can("member.merge"):
            self.notify(_("Only owners and managers merge members."), severity="warning")
            return

        def done(message: str | None) -> None:
            if message:
                self.refresh_after_change(member.id, message)

        self.app.push_screen(MergeModal(member), done)

    def action_segments(self) -> None:
        from salon_tui.screens.modals.member_segments import SegmentModal
        from salon_tui.services.member_segments import saved_segments

        uow = self.salon.uow

        def chosen(segment: SegmentShown | None) -> None:
            if segment is not None:
                self.show_segment(segment)

        call_service(
            self,
            lambda: saved_segments(uow),
            lambda saved: self.app.push_screen(SegmentModal(saved), chosen),
        )
