"""Create or edit a stage. Errors show at the field; nothing typed is lost on failure.

Edit sends a PATCH with only the changed fields (nothing changed: nothing sent), or a PUT
when "replace all fields" is ticked, after saying which fields that clears. Before
sending, the stage is re-read: if it changed since the form opened the user chooses
overwrite / reload / keep editing, so no update is lost silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Header, Input, Select, Static, Switch, TextArea

from stages_tui.api import Category, MauticError, NotFound, ServerError, Stage

from ..display import clean, local_time
from ..errors import error_text
from ..form_values import (
    FIELD_FOR_WIRE,
    LABELS,
    RawForm,
    StageValues,
    changed_fields,
    cleared_by_replace,
    first_field,
    parse,
    raw_from_stage,
    values_from_stage,
)
from ..messages import StageSaved
from ..modals.confirm import ConfirmModal
from ..modals.conflict import ConflictModal
from ..widgets.field import Field
from ..widgets.footer import Footer
from ..widgets.stage_table import stage_label
from .observer import StageObserver

DATE_HINT = "YYYY-MM-DD HH:MM; empty = "


@dataclass(frozen=True)
class SavePlan:
    values: StageValues
    changed: list[str]
    replace: bool


class StageFormScreen(StageObserver, Screen[None]):
    SHOWS_SEARCH_HELP = False
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "back", "Cancel", id="back"),
    ]

    @dataclass
    class Saved(Message):
        stage: Stage
        created: bool

    @dataclass
    class SaveFailed(Message):
        error: BaseException

    @dataclass
    class Conflict(Message):
        server: Stage
        plan: SavePlan

    @dataclass
    class CategoriesLoaded(Message):
        categories: list[Category]

    def __init__(self, stage: Stage | None, *, categories: list[Category]) -> None:
        super().__init__()
        self.stage = stage
        self.categories = list(categories)
        if stage is not None and stage.category and all(c.id != stage.category.id
                                                        for c in self.categories):
            self.categories.append(stage.category)
        self._initial = raw_from_stage(stage)
        self._saving = False
        self._errored: RawForm | None = None  # the values the field errors were shown for
        self._summary_banner = False  # the banner lists the bad fields (not a server message)

    @property
    def HELP_TITLE(self) -> str:  # noqa: N802 — read by the App's help action
        return "New stage" if self.stage is None else "Edit stage"

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Static(self._title(), id="form-title")
            with Horizontal(classes="form-row"):
                yield Field("Name (required)", Input(id="name"), field_id="name")
                yield Field("Weight", Input(id="weight"), field_id="weight")
            yield Field("Description", TextArea(id="description", soft_wrap=True),
                        field_id="description")
            with Horizontal(classes="form-row"):
                yield Field("Published", Switch(id="is_published"), field_id="is_published")
                yield Field("Category", Select(self._category_options(), id="category_id",
                                               prompt="No category", allow_blank=True),
                            field_id="category_id")
            with Horizontal(classes="form-row"):
                yield Field("Publish up (local time)",
                            Input(id="publish_up", placeholder=DATE_HINT + "no start"),
                            field_id="publish_up")
                yield Field("Publish down (local time)",
                            Input(id="publish_down", placeholder=DATE_HINT + "no end"),
                            field_id="publish_down")
            if self.stage is not None:
                yield Checkbox("Replace all fields (PUT): empty fields are cleared on the server",
                               id="replace")
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer()

    def _title(self) -> Text:
        if self.stage is None:
            return Text("New stage", style="bold")
        return Text.assemble(("Edit stage ", "bold"), stage_label(self.stage))

    def _category_options(self) -> list[tuple[Text, int]]:
        return [(Text(clean(c.title) or f"#{c.id}"), c.id) for c in self.categories]

    def on_mount(self) -> None:
        self.query_one("#form-error").display = False
        self._fill(self._initial)
        self.query_one("#name", Input).focus()
        self._load_categories()

    @work(exclusive=True, group="form-categories", exit_on_error=False)
    async def _load_categories(self) -> None:
        """Categories may have changed since startup; the choice shows the server's list."""
        try:
            categories = await self.app.client.list_categories(bundle="stage")
        except MauticError:
            return  # keep the list read at startup
        self.post_message(self.CategoriesLoaded(categories))

    @on(CategoriesLoaded)
    def _categories_loaded(self, message: CategoriesLoaded) -> None:
        current = self.stage.category if self.stage is not None else None
        categories = list(message.categories)
        if current is not None and all(c.id != current.id for c in categories):
            categories.append(current)
        if [(c.id, c.title) for c in categories] == [(c.id, c.title) for c in self.categories]:
            return
        self.categories = categories
        self.app.categories = list(message.categories)
        select = self.query_one("#category_id", Select)
        chosen = select.value
        select.set_options(self._category_options())
        if isinstance(chosen, int) and any(c.id == chosen for c in categories):
            select.value = chosen

    # ------------------------------------------------------------------ values

    def _fill(self, raw: RawForm) -> None:
        self.query_one("#name", Input).value = raw.name
        self.query_one("#weight", Input).value = raw.weight
        self.query_one("#description", TextArea).text = raw.description
        self.query_one("#is_published", Switch).value = raw.is_published
        select = self.query_one("#category_id", Select)
        known = {c.id for c in self.categories}
        if raw.category_id in known:
            select.value = raw.category_id
        else:
            select.clear()
        self.query_one("#publish_up", Input).value = raw.publish_up
        self.query_one("#publish_down", Input).value = raw.publish_down

    def raw(self) -> RawForm:
        category = self.query_one("#category_id", Select).value
        return RawForm(
            name=self.query_one("#name", Input).value,
            weight=self.query_one("#weight", Input).value,
            description=self.query_one("#description", TextArea).text,
            is_published=self.query_one("#is_published", Switch).value,
            category_id=category if isinstance(category, int) else None,
            publish_up=self.query_one("#publish_up", Input).value,
            publish_down=self.query_one("#publish_down", Input).value,
        )

    @property
    def dirty(self) -> bool:
        return self.raw() != self._initial

    def _replace_ticked(self) -> bool:
        boxes = self.query("#replace")
        return bool(boxes) and boxes.first(Checkbox).value

    # ------------------------------------------------------------------ errors

    def show_errors(self, errors: dict[str, str], general: str | None = None) -> None:
        for field in self.query(Field):
            name = (field.id or "").removeprefix("field-")
            field.set_error(errors.get(name))
        self._errored = self.raw() if errors else None
        self._summary_banner = general is None
        self._show_banner(general if general is not None else self._summary(errors))
        first = first_field(errors)
        if first is not None:
            control: Widget = self.query_one(f"#{first}")
            control.focus()
            control.scroll_visible()

    @staticmethod
    def _summary(names: Iterable[str]) -> str | None:
        """The banner naming the fields still marked bad (None when there are none)."""
        labels = [LABELS.get(name, name) for name in names]
        return "Please fix the fields marked above: " + ", ".join(labels) + "." if labels else None

    def _show_banner(self, text: str | None) -> None:
        banner = self.query_one("#form-error", Static)
        banner.display = bool(text)
        banner.update(Text(text or ""))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _edited(self, event) -> None:
        """A field edited since its error was shown loses the error (and the banner its name)."""
        name = event.control.id
        if self._errored is None or name not in LABELS:
            return
        if getattr(self.raw(), name) == getattr(self._errored, name):
            return  # not changed since (e.g. the event of the keystroke before ctrl+s)
        field = self.query_one(f"#field-{name}", Field)
        if not field.error:
            return
        field.set_error(None)
        if self._summary_banner:
            left = [f.id.removeprefix("field-") for f in self.query(Field) if f.error]
            self._show_banner(self._summary(left))

    # ------------------------------------------------------------------ saving

    def action_save(self) -> None:
        if self._saving:
            return
        values, errors = parse(self.raw())
        if values is None:
            self.show_errors(errors)
            return
        self.show_errors({})
        if self.stage is None:
            self._start(SavePlan(values, [], replace=False), check=False)
            return
        baseline = values_from_stage(self.stage)
        if self._replace_ticked():
            cleared = cleared_by_replace(baseline, values)
            what = (Text("These fields will be cleared: " + ", ".join(cleared) + ".")
                    if cleared else Text("No field that has a value will be cleared."))
            question = Text.assemble(
                "Replace every field of ", stage_label(self.stage),
                " with this form (PUT)?\n\n", what)

            def answered(ok: bool | None) -> None:
                if ok:
                    self._start(SavePlan(values, list(LABELS), replace=True), check=True)

            self.app.push_screen(ConfirmModal("Replace all fields", question,
                                              yes="Replace", no="Back"), answered)
            return
        changed = changed_fields(baseline, values)
        if not changed:
            self.notify("Nothing changed, so nothing was sent.", title="No changes")
            self.app.pop_screen()
            return
        self._start(SavePlan(values, changed, replace=False), check=True)

    def _start(self, plan: SavePlan, *, check: bool) -> None:
        self._saving = True
        self.query_one("#form-buttons").loading = True
        self._save(plan, check)

    @work(exclusive=True, group="stage-save", exit_on_error=False)
    async def _save(self, plan: SavePlan, check: bool) -> None:
        client = self.app.client
        try:
            if self.stage is None:
                stage, created = await client.create_stage(plan.values.draft()), True
            else:
                if check:
                    try:
                        server = await client.get_stage(self.stage.id)
                    except NotFound:
                        if not plan.replace:
                            raise
                        server = None  # PUT creates it again; the user asked for that
                    if server is not None and self._changed_on_server(server):
                        self.post_message(self.Conflict(server, plan))
                        return
                if plan.replace:
                    stage, created = await client.replace_stage(self.stage.id, plan.values.draft())
                else:
                    stage = await client.edit_stage(self.stage.id, plan.values.changes(plan.changed))
                    created = False
        except Exception as error:  # noqa: BLE001 — every failure keeps the form as typed
            self.post_message(self.SaveFailed(error))
        else:
            self.post_message(self.Saved(stage, created))

    def _changed_on_server(self, server: Stage) -> bool:
        assert self.stage is not None
        return (server.date_modified != self.stage.date_modified
                or values_from_stage(server) != values_from_stage(self.stage))

    def _done_saving(self) -> None:
        self._saving = False
        self.query_one("#form-buttons").loading = False

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._done_saving()
        stage = message.stage
        if self.stage is not None and message.created:
            text = Text.assemble("The stage no longer existed, so it was created again as ",
                                 stage_label(stage), ".")
        else:
            text = Text.assemble("Created " if message.created else "Saved ", stage_label(stage), ".")
        self.app.post_message(StageSaved(stage, created=message.created))
        self.notify(text.plain, title="Saved", markup=False)
        self.app.pop_screen()

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self._done_saving()
        error = message.error
        errors: dict[str, str] = {}
        if isinstance(error, MauticError):
            for wire, texts in error.fields.items():
                errors[FIELD_FOR_WIRE.get(wire, wire)] = " ".join(texts)
            if isinstance(error, ServerError) and "Category" in (error.message or ""):
                errors["category_id"] = clean(error.message)  # Mautic: a 500 for a bad category
        general = "Not saved: " + error_text(error)
        if isinstance(error, NotFound) and self.stage is not None:
            general = ("Not saved: this stage no longer exists on the server (deleted elsewhere). "
                       "Tick \"Replace all fields\" and save to create it again (with a new id), "
                       "or press escape.")
        self.show_errors(errors, general)
        self.notify(general, title="Not saved", severity="error", markup=False)

    @on(Conflict)
    def _conflict(self, message: Conflict) -> None:
        self._done_saving()
        server = message.server
        # The list and detail underneath show the server's copy from now on, whatever is chosen.
        self.app.post_message(StageSaved(server, created=False))
        plan = message.plan
        server_values = values_from_stage(server)
        theirs = changed_fields(values_from_stage(self.stage), server_values)
        if plan.replace:
            typed = changed_fields(values_from_stage(self.stage), plan.values)
            mine = (", ".join(LABELS[n] for n in typed) if typed else "none typed") + (
                "; replace sends every field")
        else:
            mine = ", ".join(LABELS[n] for n in plan.changed) or "none"
        # What overwriting would set back: their change to a field this save sends.
        undone = [n for n in theirs if (plan.replace or n in plan.changed)
                  and getattr(plan.values, n) != getattr(server_values, n)]
        undoing = (f" (undoing their change to {', '.join(LABELS[n] for n in undone)})"
                   if undone else "")
        who = clean(server.modified_by_user) or "someone"
        # Mautic dates no weight or category edit: an unchanged date is not when this happened.
        when = (f"{local_time(server.date_modified)} "
                if server.date_modified and server.date_modified != self.stage.date_modified
                else "")
        text = Text.assemble(
            stage_label(server), " was changed on the server since this form opened",
            f" ({when}by ", who, ").\n\n",
            "Changed there: ", ", ".join(LABELS[n] for n in theirs) or "only its modification date",
            ".\nYour changes: ", mine,
            f".\n\nOverwrite sends your changes anyway{undoing}; reload shows theirs "
            "(your edits are dropped).")

        def chosen(choice: str | None) -> None:
            if choice == "overwrite":
                self._start(message.plan, check=False)
            elif choice == "reload":
                self.stage = server
                self._initial = raw_from_stage(server)
                self._fill(self._initial)
                self.query_one("#form-title", Static).update(self._title())
                self.show_errors({})
                self.notify("Reloaded the stage from the server.")

        self.app.push_screen(ConflictModal(text), chosen)

    # ------------------------------------------------------------------ leaving

    def action_back(self) -> None:
        if self._saving:
            self.notify("Saving… wait for the answer before leaving.", severity="warning")
            return
        if not self.dirty:
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(ConfirmModal("Unsaved changes",
                                          "Discard your changes to this stage?",
                                          yes="Discard", no="Keep editing", danger=True),
                             answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_back()
