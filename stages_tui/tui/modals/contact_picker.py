"""Pick one contact by server-side search: type, enter searches and jumps to the results,
enter on a row picks it. Dismisses with the Contact, or None on escape."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from stages_tui.api.models import Contact
from stages_tui.tui.display import clean
from stages_tui.tui.widgets.contact_search import ContactSearch


class ContactPickerModal(ModalScreen[Contact | None]):
    HELP_TITLE = "Pick a contact"
    SHOWS_SEARCH_HELP = False

    DEFAULT_CSS = """
    ContactPickerModal { align: center middle; }
    ContactPickerModal > #contact-picker {
        width: 100; max-width: 95%; height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-contact-picker"),
                Binding("f1", "app.help", "Help", id="help", show=False, tooltip="Help for this dialog")]

    def __init__(self, title: str = "Pick a contact", *, client=None, page_size: int = 20) -> None:
        super().__init__()
        self.title_text = title
        self._client = client
        self.page_size = page_size

    @property
    def client(self):
        return self._client if self._client is not None else self.app.client

    def compose(self) -> ComposeResult:
        with Vertical(id="contact-picker") as box:
            box.border_title = Text(clean(self.title_text))  # literal, not markup
            yield ContactSearch(self.client, page_size=self.page_size, id="contact-picker-search")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(ContactSearch).input.focus()

    @on(ContactSearch.Picked, "#contact-picker-search")
    def _picked(self, event: ContactSearch.Picked) -> None:
        self.dismiss(event.contact)

    def action_cancel(self) -> None:
        self.dismiss(None)
