"""Settings → Import: bring members, services, products or staff in from an old system.

The same service as ``salon import``: pick the kind and the file, check it (a dry run
that lists every problem with its row, column and value), then import. Import stays
off until the file, the kind and the options on screen are the ones just checked, and
writes the rows that check read (the file is read once; if it changed since, the
import is refused), so what gets written is what the person saw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, DirectoryTree, Input, Label, Select, Static

from salon_tui import paths
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from collections.abc import Iterable

    from salon_tui.services.imports import CheckedImport, ImportOptions, ImportReport

READABLE = {".xlsx", ".xlsm", ".csv", ".txt"}
ENCODINGS = (
    ("", N_("Detect (UTF-8 or GBK)")),
    ("utf-8", "UTF-8"),
    ("gb18030", "GBK / GB18030"),
)


class SpreadsheetTree(DirectoryTree):
    """Folders and the files an import can read; hidden files left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".") and (path.is_dir() or path.suffix.lower() in READABLE)
        ]


@dataclass(frozen=True)
class Request:
    """What was checked: an import is allowed only for exactly this."""

    kind: str
    path: Path
    options: ImportOptions


class ImportScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "check", N_("Check file"), priority=True),
        Binding("ctrl+s", "run_import", N_("Import"), priority=True),
        Binding("ctrl+e", "save_report", N_("Save problems"), priority=True),
        Binding("escape", "close", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.checked: Request | None = None
        # The check that Import would write: its report and the rows it read.
        self.checked_import: CheckedImport | None = None
        self.shown: ImportReport | None = None  # what is on screen (Ctrl+E saves it)
        self.busy = False

    def compose(self) -> ComposeResult:
        from salon_tui.services.imports import import_kinds

        actor = self.salon.actor
        kinds = import_kinds(actor) if actor is not None else []
        yield ShopHeader(N_("Settings → Import"))
        with Horizontal(id="import-settings"):
            with VerticalScroll(id="import-form", classes="form"):
                yield Label(_("What the file holds"))
                yield Select(
                    [(_(kind.title), kind.name) for kind in kinds],
                    value=kinds[0].name if kinds else Select.BLANK,
                    allow_blank=not kinds,
                    id="import-kind",
                )
                yield Label(_("File (.xlsx or .csv) — type a path or pick one below"))
                yield Input(id="import-path", placeholder=str(Path.home() / "members.xlsx"))
                yield SpreadsheetTree(Path.home(), id="import-tree")
                yield Label(_("Sheet (xlsx; empty: the first)"))
                yield Input(id="import-sheet")
                yield Label(_("Text encoding (csv)"))
                yield Select(
                    [(_(label), code) for code, label in ENCODINGS],
                    value="",
                    allow_blank=False,
                    id="import-encoding",
                )
                yield Checkbox(
                    _("Create member levels the file names"), False, id="import-create-levels"
                )
                yield Checkbox(
                    _("Refresh records already here (same card, phone or code)"),
                    False,
                    id="import-update",
                )
                yield Checkbox(
                    _("Import the good rows even when others have problems"),
                    False,
                    id="import-skip-invalid",
                )
                with Horizontal(classes="buttons"):
                    yield Button(_("Check file"), variant="primary", id="check")
                    yield Button(_("Import"), variant="success", id="import", disabled=True)
                    yield Button(_("Back"), id="close")
            with Vertical(id="import-result"):
                yield Static(
                    _(
                        "Check the file first: every row is read and checked, nothing is "
                        "written. Then Import writes every good row in one transaction."
                    ),
                    id="import-summary",
                )
                yield DataTable(id="import-problems", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#import-problems", DataTable)
        table.add_columns(_("Row"), _("Column"), _("Value"), _("Message"))
        table.display = False
        self.query_one("#import-path", Input).focus()

    # --- the form ----------------------------------------------------------------------

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#import-path", Input).value = str(event.path)
        self.query_one("#check", Button).focus()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._refresh_import_button()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._refresh_import_button()

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self._refresh_import_button()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"check": self.action_check, "import": self.action_run_import}
        if event.button.id in actions:
            actions[event.button.id]()
        elif event.button.id == "close":
            self.action_close()

    def _form(self) -> Request | None:
        """The kind, file and options on screen (``None`` while the kind or path is empty)."""
        from salon_tui.services.imports import ImportOptions

        kind = self.query_one("#import-kind", Select).value
        typed = self.query_one("#import-path", Input).value.strip()
        if not isinstance(kind, str) or not typed:
            return None
        encoding = self.query_one("#import-encoding", Select).value
        sheet = self.query_one("#import-sheet", Input).value.strip()
        return Request(
            kind,
            Path(typed).expanduser(),
            ImportOptions(
                skip_invalid=self.query_one("#import-skip-invalid", Checkbox).value,
                update=self.query_one("#import-update", Checkbox).value,
                create_levels=self.query_one("#import-create-levels", Checkbox).value,
                sheet=sheet or None,
                encoding=encoding if isinstance(encoding, str) and encoding else None,
            ),
        )

    def _request(self) -> Request | None:
        """The form, or ``None`` after saying what is missing."""
        request = self._form()
        if not isinstance(self.query_one("#import-kind", Select).value, str):
            self.notify(_("You may not import anything."), severity="warning")
            return None
        if request is None:
            self.notify(_("Type the file's path or pick it in the list."), severity="warning")
            return None
        if not request.path.is_file():
            self.notify(
                _("There is no file at {path}.").format(path=request.path),
                severity="error",
                timeout=8,
            )
            return None
        return request

    def _ready(self) -> Request | None:
        """What Import would write: the form, if it is the file and options just checked.

        "Import the good rows anyway" does not change a check, so ticking it after
        seeing the problems is enough.
        """
        form, checked, done = self._form(), self.checked, self.checked_import
        if self.busy or form is None or checked is None or done is None:
            return None
        report = done.report
        if replace(form.options, skip_invalid=False) != replace(
            checked.options, skip_invalid=False
        ) or (form.kind, form.path) != (checked.kind, checked.path):
            return None
        if report.importable == 0 or (report.problems and not form.options.skip_invalid):
            return None
        return form

    def _refresh_import_button(self) -> None:
        self.query_one("#import", Button).disabled = self._ready() is None

    # --- checking and importing ----------------------------------------------------------

    def action_check(self) -> None:
        request = self._request()
        if request is None or self.busy:
            return
        self._run(request, dry_run=True)

    def action_run_import(self) -> None:
        request = self._ready()
        if request is None:
            self.notify(
                _(
                    "Check the file first: Import writes the file just checked, with its "
                    "problems fixed or “Import the good rows” ticked."
                ),
                severity="warning",
            )
            return
        self._run(request, dry_run=False)

    def _run(self, request: Request, *, dry_run: bool) -> None:
        from salon_tui.services import imports

        options = replace(request.options, dry_run=dry_run)
        uow, actor = self.salon.uow, self.salon.session_actor
        self.busy = True
        self._refresh_import_button()
        self.query_one("#check", Button).disabled = True
        summary = self.query_one("#import-summary", Static)
        summary.update(
            _("Checking {name}…").format(name=escape(request.path.name))
            if dry_run
            else _("Importing {name}…").format(name=escape(request.path.name))
        )

        def progress(rows: int) -> None:
            self.app.call_from_thread(
                summary.update, _("Checked {rows} rows…").format(rows=f"{rows:,}")
            )

        done = self.checked_import
        if dry_run or done is None:
            call_service(
                self,
                lambda: imports.check_import(
                    uow, actor, request.kind, request.path, options, progress=progress
                ),
                lambda checked: self._show(request, checked.report, checked),
                failed=self._failed,
                exclusive=True,
            )
            return

        def written(rows: int) -> None:
            self.app.call_from_thread(
                summary.update, _("Writing: {rows} rows done…").format(rows=f"{rows:,}")
            )

        # Import writes the rows the check read (kept in a temporary file, not in
        # memory): the file is not read again.
        skip = request.options.skip_invalid
        call_service(
            self,
            lambda: imports.write_import(uow, actor, done, skip_invalid=skip, progress=written),
            lambda report: self._show(request, report),
            failed=self._failed,
            exclusive=True,
        )

    def _failed(self, error: Any) -> None:
        self.busy = False
        # Whatever was checked before is not what Import would write now: check again.
        self.checked = None
        self.checked_import = None
        self.query_one("#check", Button).disabled = False
        self.query_one("#import-summary", Static).update(
            f"[b]{escape(_(error.title))}[/b]\n{escape(error.message)}\n"
            + _("Nothing was written.")
        )
        self._refresh_import_button()

    def _show(
        self, request: Request, report: ImportReport, checked: CheckedImport | None = None
    ) -> None:
        self.busy = False
        self.checked = request if checked is not None else None
        self.checked_import = checked
        self.shown = report
        self.query_one("#check", Button).disabled = False
        lines = [escape(line) for line in report.summary_lines()]
        if report.dry_run and report.problems:
            lines.append(
                _(
                    "Fix these rows in the file and check again, or tick “Import the good "
                    "rows even when others have problems” to import the {count} good rows."
                ).format(count=report.importable)
            )
        elif report.dry_run and report.importable:
            lines.append(
                _("Press Import (Ctrl+S) to write the {count} good rows.").format(
                    count=report.importable
                )
            )
        elif not report.dry_run and report.imported:
            lines.append(_("Done. Check the file again to see it matches what is here now."))
        if report.problems:
            lines.append(_("Ctrl+E saves the problems as a spreadsheet."))
        self.query_one("#import-summary", Static).update("\n".join(lines))
        table = self.query_one("#import-problems", DataTable)
        table.clear()
        for found in report.problems[:2000]:
            table.add_row(str(found.row), found.column, found.value[:40], found.message)
        table.display = bool(report.problems)
        self._refresh_import_button()

    def action_save_report(self) -> None:
        report = self.shown
        if report is None or not report.problems:
            self.notify(_("There are no problems to save."), severity="warning")
            return
        from salon_tui.services import imports

        folder = paths.data_dir() / "exports"
        target = folder / f"import-problems_{Path(report.file).stem}.xlsx"

        def write() -> Path:
            paths.make_private_dir(folder)
            imports.write_report(report, target)
            return target

        call_service(
            self, write, lambda path: self.notify(_("Saved {path}.").format(path=path), timeout=10)
        )

    def action_close(self) -> None:
        if self.busy:
            self.notify(_("Wait for the check or the import to finish."), severity="warning")
            return
        self.app.pop_screen()
