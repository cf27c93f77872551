"""The TOML config file: its schema, its validation, and the checks shared with flags and env.

Every problem becomes a ConfigError whose message names the file and the field, e.g.
`config error in /path/config.toml: profiles.prod.page_size: must be an integer between 5 and 500`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PAGE_SIZE_MIN, PAGE_SIZE_MAX = 5, 500
DEFAULT_THEME = "textual-dark"

# Binding ids users may remap under [keys]: every binding in the TUI has one (see README "Keys";
# tests/test_config_keys.py checks each exists in the app).
BINDING_IDS: tuple[str, ...] = (
    # everywhere
    "quit", "command-palette", "help", "undo-delete",
    # stage list
    "cursor-down", "cursor-up", "first-row", "last-row", "open-stage", "search", "cancel-search",
    "next-page", "prev-page", "sort", "sort-direction", "published-only", "reload", "back",
    # list and detail
    "new-stage", "edit-stage", "delete-stage", "toggle-published", "assign-contacts",
    # detail: the stage's contacts
    "remove-contact", "move-contact", "next-contacts-page", "prev-contacts-page",
    # form
    "save",
    # assign-contacts dialog
    "close-assign", "select-contact", "add-selected", "remove-selected", "clear-selection",
    "focus-contact-search", "focus-contact-results", "next-results-page", "prev-results-page",
    "next-results-page-alt", "prev-results-page-alt",
    # dialogs
    "confirm-yes", "confirm-no", "conflict-overwrite", "conflict-reload", "conflict-keep",
    "close-error", "copy-error", "close-help", "close-stage-history", "cancel-stage-picker",
    "focus-stage-options", "cancel-contact-picker", "goto-cancel",
)

PAGE_SIZE_MESSAGE = f"must be an integer between {PAGE_SIZE_MIN} and {PAGE_SIZE_MAX}"

# Friendly messages for type/range errors, keyed by the field name at the end of the error path.
_FIELD_MESSAGES = {
    "page_size": PAGE_SIZE_MESSAGE,
    "verify_tls": "must be true or false",
    "auth": 'must be "basic" or "oauth2"',
    "url": "must be a string like https://mautic.example.com",
    "user": "must be a string",
    "client_id": "must be a string",
    "theme": "must be a string naming a Textual theme",
    "default_profile": "must be a string naming a profile",
    "profiles": "must be a table of [profiles.NAME] sections",
    "keys": 'must be a table of binding-id = "keys"',
}


class ConfigError(Exception):
    """A bad setting; the message names where it came from (file + field, env var or flag)."""


class FieldProblem(ValueError):
    """A validation error about a sub-field (a profile's `user`, one key binding)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# ---------------------------------------------------------------- validators shared by file and flags


def check_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL, e.g. https://mautic.example.com")
    if parts.username or parts.password:
        # Credentials in a URL end up in logs and on screen: refuse them outright.
        raise ValueError("must not contain a user or password; use --user and MAUTIC_PASSWORD")
    return value.strip().rstrip("/")


def check_page_size(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(PAGE_SIZE_MESSAGE)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValueError(PAGE_SIZE_MESSAGE) from None
    if not isinstance(value, int) or not PAGE_SIZE_MIN <= value <= PAGE_SIZE_MAX:
        raise ValueError(PAGE_SIZE_MESSAGE)
    return value


def check_theme(value: str) -> str:
    if value == DEFAULT_THEME:
        return value
    from textual.theme import BUILTIN_THEMES  # lazy: importing Textual costs ~100 ms

    if value not in BUILTIN_THEMES:
        raise ValueError(f"unknown theme {value!r}; one of: {', '.join(sorted(BUILTIN_THEMES))}")
    return value


def check_keymap(keys: dict[str, str]) -> dict[str, str]:
    for binding_id, spec in keys.items():
        if binding_id not in BINDING_IDS:
            raise FieldProblem(binding_id, f"unknown binding id; one of: {', '.join(BINDING_IDS)}")
        if not isinstance(spec, str) or not spec.strip() or " " in spec.strip():
            raise FieldProblem(binding_id, 'must be keys separated by commas without spaces, e.g. "j,down"')
        if any(not key for key in spec.strip().split(",")):
            raise FieldProblem(binding_id, f"empty key in {spec!r}")
    return {binding_id: _key_names(spec.strip()) for binding_id, spec in keys.items()}


def _key_names(spec: str) -> str:
    """"],right" -> "right_square_bracket,right": Textual's keymap matches key *names* only."""
    keys = spec.split(",")
    if all(len(key) > 1 or key.isalnum() for key in keys):
        return spec
    from textual.keys import _character_to_key  # lazy: only for punctuation keys

    return ",".join(_character_to_key(key) if len(key) == 1 else key for key in keys)


def check_secret_source(value: str) -> str:
    if value == "prompt":
        return value
    if value.startswith("env:") and value[4:].replace("_", "").isalnum() and value[4:]:
        return value
    raise ValueError('must be "prompt" or "env:VARIABLE_NAME", e.g. "env:MAUTIC_PASSWORD"')


# ---------------------------------------------------------------- the config file


class _Strict(BaseModel):
    # Built on first validation: most starts have no config file (see load_config_file).
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class ProfileConfig(_Strict):
    """One [profiles.NAME] section."""

    url: str
    auth: Literal["basic", "oauth2"] = "basic"
    user: str | None = None
    client_id: str | None = None
    # Where the password / client secret comes from: "env:NAME" or "prompt".
    secret: str | None = None
    page_size: int | None = None
    theme: str | None = None
    verify_tls: bool = True
    keys: dict[str, str] = Field(default_factory=dict)

    _url = field_validator("url")(lambda cls, v: check_url(v))
    _page_size = field_validator("page_size", mode="before")(
        lambda cls, v: None if v is None else check_page_size(v)
    )
    _theme = field_validator("theme")(lambda cls, v: None if v is None else check_theme(v))
    _keys = field_validator("keys")(lambda cls, v: check_keymap(v))
    _secret = field_validator("secret")(lambda cls, v: None if v is None else check_secret_source(v))

    @model_validator(mode="after")
    def _needs_identity(self) -> ProfileConfig:
        if self.auth == "basic" and not self.user:
            raise FieldProblem("user", 'required when auth = "basic"')
        if self.auth == "oauth2" and not self.client_id:
            raise FieldProblem("client_id", 'required when auth = "oauth2"')
        return self


class ConfigFile(_Strict):
    """The whole file: defaults for every profile, then the profiles."""

    default_profile: str | None = None
    page_size: int | None = None
    theme: str | None = None
    keys: dict[str, str] = Field(default_factory=dict)
    profiles: dict[str, ProfileConfig] = Field(default_factory=dict)

    _page_size = field_validator("page_size", mode="before")(
        lambda cls, v: None if v is None else check_page_size(v)
    )
    _theme = field_validator("theme")(lambda cls, v: None if v is None else check_theme(v))
    _keys = field_validator("keys")(lambda cls, v: check_keymap(v))


def _describe(error: dict[str, Any]) -> str:
    """'profiles.prod.page_size: must be ...' from one pydantic error."""
    loc = [str(part) for part in error["loc"]]
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] == "missing":
        message = "required"
    elif error["type"] != "value_error":
        field = next((p for p in reversed(loc) if p in _FIELD_MESSAGES), None)
        if field:
            message = _FIELD_MESSAGES[field]
    problem = error.get("ctx", {}).get("error")
    if isinstance(problem, FieldProblem):
        loc.append(problem.field)
    return f"{'.'.join(loc) or '(top level)'}: {message}"


def load_config_file(path: Path) -> ConfigFile:
    """Read and validate the TOML file; a missing file is an empty config."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ConfigFile.model_construct()  # all defaults: nothing to validate
    except OSError as exc:
        raise ConfigError(f"config error in {path}: cannot read: {exc.strerror}") from None
    import tomllib  # lazy: only when there is a file to read
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config error in {path}: not valid TOML: {exc}") from None
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        raise ConfigError(f"config error in {path}: {_describe(first)}") from None
