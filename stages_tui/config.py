"""Settings: where to connect and how the app looks, resolved from
flags > environment > config-file profile > the embedded sandbox.

The config file is TOML (see README "Config file"). Secrets never live in it: a profile
names the environment variable holding the secret, or asks for it to be prompted.
This module imports nothing from Textual at import time (the CLI's `config path` and
`move` stay fast); `build_client` imports the client and sandbox lazily.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:
    from stages_tui.api import MauticClient

APP_NAME = "stages-tui"
CONFIG_ENV = "STAGES_TUI_CONFIG"
DATA_DIR_ENV = "STAGES_TUI_DATA_DIR"
PROFILE_ENV = "STAGES_TUI_PROFILE"
PASSWORD_ENV = "MAUTIC_PASSWORD"
CLIENT_SECRET_ENV = "MAUTIC_CLIENT_SECRET"
SANDBOX_CONTACTS = 2000
PAGE_SIZE_MIN, PAGE_SIZE_MAX = 5, 500
DEFAULT_THEME = "textual-dark"

# Environment variables for plain (non-secret) settings: setting name -> variable.
ENV_VARS: dict[str, str] = {
    "url": "MAUTIC_URL",
    "user": "MAUTIC_USER",
    "client_id": "MAUTIC_CLIENT_ID",
    "page_size": "STAGES_TUI_PAGE_SIZE",
    "theme": "STAGES_TUI_THEME",
}

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
    # dialogs
    "confirm-yes", "confirm-no", "conflict-overwrite", "conflict-reload", "conflict-keep",
    "close-error", "copy-error", "close-help", "close-stage-history", "cancel-stage-picker",
    "focus-stage-options", "cancel-contact-picker", "goto-cancel",
)

AuthKind = Literal["basic", "oauth2", "sandbox"]
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


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the config file is: $STAGES_TUI_CONFIG, else the platform config dir.

    The one discovery seam: tests set STAGES_TUI_CONFIG so the real home is never read.
    """
    env = os.environ if env is None else env
    override = env.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the sandbox database lives: $STAGES_TUI_DATA_DIR, else the platform data dir."""
    env = os.environ if env is None else env
    override = env.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


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
    model_config = ConfigDict(extra="forbid", strict=True)


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
        return ConfigFile()
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


# ---------------------------------------------------------------- resolved settings


class Settings(BaseModel):
    """Everything the app and the client need, already resolved (secrets included)."""

    model_config = ConfigDict(frozen=True)

    url: str | None = None  # None = embedded sandbox
    auth_kind: AuthKind = "sandbox"
    user: str | None = None
    client_id: str | None = None
    password: SecretStr | None = None
    client_secret: SecretStr | None = None
    # "env:NAME" or "prompt": where the secret is read from when not yet resolved.
    secret_source: str | None = None
    page_size: int = Field(default=30, ge=PAGE_SIZE_MIN, le=PAGE_SIZE_MAX)
    theme: str = DEFAULT_THEME
    keymap: dict[str, str] = Field(default_factory=dict)
    profile: str | None = None
    config_file: Path | None = None
    sandbox_db: Path | None = None
    fresh: bool = False
    verify_tls: bool = True
    timeout: float = 10.0
    sandbox_latency: float = 0.0  # seconds added per sandbox request (benchmarks)

    @property
    def is_sandbox(self) -> bool:
        return self.auth_kind == "sandbox"

    @property
    def connection_label(self) -> str:
        """What we are connected to, for the screen; never contains a secret."""
        if self.is_sandbox:
            return f"sandbox ({_home_relative(self.sandbox_db)})"
        who = self.user if self.auth_kind == "basic" else f"OAuth2 client {self.client_id}"
        return f"{self.url} as {who}"

    @property
    def sandbox_notice(self) -> str:
        """The on-screen hint shown while running on the embedded sandbox."""
        return (
            f"Embedded sandbox with demo data ({_home_relative(self.sandbox_db)}). "
            "To use a real Mautic: stages-tui --url URL --user NAME, "
            f"or a profile in {_home_relative(self.config_file or config_path())}."
        )

    @property
    def secret_name(self) -> str | None:
        """Which secret this connection needs ('password' / 'client secret'), if any."""
        return {"basic": "password", "oauth2": "client secret"}.get(self.auth_kind)

    @property
    def has_secret(self) -> bool:
        return self.password is not None if self.auth_kind == "basic" else (
            self.client_secret is not None if self.auth_kind == "oauth2" else True
        )

    def with_secret(self, value: str) -> Settings:
        field = "password" if self.auth_kind == "basic" else "client_secret"
        return self.model_copy(update={field: SecretStr(value)})


def _home_relative(path: Path | None) -> str:
    if path is None:
        return "in memory"
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Merge flags > env > config-file profile > sandbox defaults into Settings.

    `flags` keys: url, user, client_id, profile, page_size, theme, insecure, sandbox,
    sandbox_db, fresh (None = not given). Secrets are read from the environment here;
    if one is still missing the caller prompts for it (see `Settings.has_secret`).
    Raises ConfigError naming the file+field, env var or flag at fault.
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    env = os.environ if env is None else env
    path = config_path(env)
    file = load_config_file(path)

    def from_env(name: str, check=None) -> Any:
        value = env.get(ENV_VARS[name]) or None
        if value is not None and check is not None:
            try:
                value = check(value)
            except ValueError as exc:
                raise ConfigError(f"{ENV_VARS[name]}: {exc}") from None
        return value

    def from_flag(name: str, flag: str, check=None) -> Any:
        value = flags.get(name)
        if value is not None and check is not None:
            try:
                value = check(value)
            except ValueError as exc:
                raise ConfigError(f"{flag}: {exc}") from None
        return value

    url = from_flag("url", "--url", check_url) or from_env("url", check_url)
    user = flags.get("user") or from_env("user")
    client_id = flags.get("client_id") or from_env("client_id")
    page_size = from_flag("page_size", "--page-size", check_page_size) or from_env(
        "page_size", check_page_size
    )
    theme = from_flag("theme", "--theme", check_theme) or from_env("theme", check_theme)
    if flags.get("user") and flags.get("client_id"):
        raise ConfigError("--user (Basic auth) and --client-id (OAuth2) exclude each other")

    # Which profile: --profile > $STAGES_TUI_PROFILE > default_profile (only when no URL was given).
    profile_name = flags.get("profile") or env.get(PROFILE_ENV) or None
    if profile_name is None and url is None and not flags.get("sandbox"):
        profile_name = file.default_profile
    profile: ProfileConfig | None = None
    if profile_name is not None:
        if profile_name not in file.profiles:
            known = ", ".join(sorted(file.profiles)) or "none defined"
            where = path if path.exists() else f"{path} (file does not exist)"
            raise ConfigError(f"config error in {where}: profiles.{profile_name}: no such profile ({known})")
        profile = file.profiles[profile_name]

    keymap = {**file.keys, **(profile.keys if profile else {})}
    common: dict[str, Any] = {
        "page_size": page_size or (profile and profile.page_size) or file.page_size or 30,
        "theme": theme or (profile and profile.theme) or file.theme or DEFAULT_THEME,
        "keymap": keymap,
        "profile": profile_name,
        "config_file": path,
        "fresh": bool(flags.get("fresh")),
        "verify_tls": not flags.get("insecure") and (profile.verify_tls if profile else True),
    }

    if flags.get("sandbox") or (url is None and profile is None):
        if flags.get("sandbox") and (flags.get("url") or flags.get("profile")):
            raise ConfigError("--sandbox excludes --url and --profile")
        db = flags.get("sandbox_db")
        common["sandbox_db"] = Path(db).expanduser() if db else data_dir(env) / "sandbox.db"
        common["sandbox_latency"] = float(flags.get("sandbox_latency") or 0.0)
        return Settings(auth_kind="sandbox", **common)

    url = url or profile.url  # type: ignore[union-attr]
    # Auth kind: an explicit --user/--client-id wins, then env, then the profile's `auth`.
    if flags.get("client_id") or (not flags.get("user") and client_id and not user):
        kind: AuthKind = "oauth2"
    elif flags.get("user") or user:
        kind = "basic"
    elif profile is not None:
        kind = profile.auth
    else:
        kind = "basic"
    if kind == "basic":
        user = flags.get("user") or user or (profile.user if profile else None)
        if not user:
            raise ConfigError(
                "--url needs --user NAME (Basic auth, password from MAUTIC_PASSWORD) "
                "or --client-id ID (OAuth2, secret from MAUTIC_CLIENT_SECRET)"
            )
        client_id = None
    else:
        client_id = flags.get("client_id") or client_id or (profile.client_id if profile else None)
        user = None

    default_env = PASSWORD_ENV if kind == "basic" else CLIENT_SECRET_ENV
    source = (profile.secret if profile and profile.secret else None) or f"env:{default_env}"
    secret: SecretStr | None = None
    if source.startswith("env:"):
        value = env.get(source[4:])
        if value:
            secret = SecretStr(value)
    return Settings(
        url=url,
        auth_kind=kind,
        user=user,
        client_id=client_id,
        password=secret if kind == "basic" else None,
        client_secret=secret if kind == "oauth2" else None,
        secret_source=source,
        **common,
    )


# ---------------------------------------------------------------- the client


def prepare_sandbox_db(db_path: Path, *, fresh: bool = False, contacts: int = SANDBOX_CONTACTS) -> None:
    """Make sure the sandbox database file exists and is seeded (first run, or `--fresh`).

    Seeds into a temporary file and renames it into place, so an interrupted first run
    never leaves a half-seeded database behind.
    """
    from stages_tui.sandbox.app import SandboxConfig, create_app
    from stages_tui.sandbox.seed import seed

    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    if db_path.exists():
        return
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + ".seeding")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    app = create_app(SandboxConfig(db_path=str(tmp)))
    store = app.state.store
    seed(store.conn, contacts=contacts)
    store.commit()
    store.close()
    os.replace(tmp, db_path)


def build_client(settings: Settings) -> MauticClient:
    """The one MauticClient for these settings (not yet entered; the app owns its life).

    Sandbox: the Starlette app over `httpx.ASGITransport` on the seeded SQLite file, no port.
    """
    from stages_tui.api import BasicAuth, MauticClient, OAuth2ClientCredentials

    if settings.is_sandbox:
        import secrets
        import sqlite3

        import httpx

        from stages_tui.sandbox.app import SandboxConfig, create_app

        assert settings.sandbox_db is not None
        # In-process, nobody else can reach it: a throwaway password per run.
        config = SandboxConfig(
            db_path=str(settings.sandbox_db),
            user="admin",
            password=secrets.token_urlsafe(16),
            site_url="http://sandbox",
            latency=settings.sandbox_latency,
        )
        try:
            prepare_sandbox_db(settings.sandbox_db, fresh=settings.fresh)
            app = create_app(config)
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ConfigError(
                f"cannot open the sandbox database {settings.sandbox_db}: {reason} "
                "(--fresh starts over; --sandbox-db or STAGES_TUI_DATA_DIR put it elsewhere)"
            ) from None
        return MauticClient(
            "http://sandbox",
            auth=BasicAuth(config.user, config.password),
            transport=httpx.ASGITransport(app=app),
            timeout=settings.timeout,
        )
    if not settings.has_secret:
        raise ConfigError(f"no {settings.secret_name} given for {settings.connection_label}")
    if settings.auth_kind == "basic":
        auth = BasicAuth(settings.user, settings.password.get_secret_value())  # type: ignore[union-attr]
    else:
        auth = OAuth2ClientCredentials(
            settings.client_id,  # type: ignore[arg-type]
            settings.client_secret.get_secret_value(),  # type: ignore[union-attr]
        )
    return MauticClient(settings.url, auth=auth, timeout=settings.timeout, verify_tls=settings.verify_tls)
