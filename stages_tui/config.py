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

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from stages_tui.config_file import (  # re-exported: the public face of configuration
    BINDING_IDS,
    DEFAULT_THEME,
    PAGE_SIZE_MAX,
    PAGE_SIZE_MIN,
    ConfigError,
    ConfigFile,
    ProfileConfig,
    check_page_size,
    check_theme,
    check_url,
    load_config_file,
)
from stages_tui.embedded_sandbox import SANDBOX_CONTACTS, prepare_sandbox_db, sandbox_client

if TYPE_CHECKING:
    from stages_tui.api import MauticClient

APP_NAME = "stages-tui"
CONFIG_ENV = "STAGES_TUI_CONFIG"
DATA_DIR_ENV = "STAGES_TUI_DATA_DIR"
PROFILE_ENV = "STAGES_TUI_PROFILE"
PASSWORD_ENV = "MAUTIC_PASSWORD"
CLIENT_SECRET_ENV = "MAUTIC_CLIENT_SECRET"

# Environment variables for plain (non-secret) settings: setting name -> variable.
ENV_VARS: dict[str, str] = {
    "url": "MAUTIC_URL",
    "user": "MAUTIC_USER",
    "client_id": "MAUTIC_CLIENT_ID",
    "page_size": "STAGES_TUI_PAGE_SIZE",
    "theme": "STAGES_TUI_THEME",
}

AuthKind = Literal["basic", "oauth2", "sandbox"]

__all__ = [
    "BINDING_IDS", "ConfigError", "ConfigFile", "ProfileConfig", "SANDBOX_CONTACTS", "Settings",
    "build_client", "config_path", "data_dir", "load_config_file", "prepare_sandbox_db", "resolve_settings",
]


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
            if flags.get("profile"):
                raise ConfigError(f"config error in {where}: profiles.{profile_name}: no such profile ({known})")
            if env.get(PROFILE_ENV):  # set in the shell, maybe long ago: name it
                raise ConfigError(f"{PROFILE_ENV}: no such profile {profile_name!r} in {where} ({known})")
            raise ConfigError(f"config error in {where}: default_profile: no such profile {profile_name!r} ({known})")
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
        for name, flag in (("user", "--user"), ("client_id", "--client-id")):
            if flags.get(name):  # most likely a forgotten --url: say so rather than open the sandbox
                raise ConfigError(f"{flag} needs --url URL (or --profile NAME); the sandbox needs neither")
        db = flags.get("sandbox_db")
        common["sandbox_db"] = Path(db).expanduser() if db else data_dir(env) / "sandbox.db"
        common["sandbox_latency"] = float(flags.get("sandbox_latency") or 0.0)
        return Settings(auth_kind="sandbox", **common)

    for name, flag in (("fresh", "--fresh"), ("sandbox_db", "--sandbox-db")):
        if flags.get(name):  # they'd be ignored silently: a real Mautic is never reseeded
            raise ConfigError(f"{flag} is for the embedded sandbox; it does nothing with a Mautic URL or profile")
    url = url or profile.url  # type: ignore[union-attr]
    # Auth kind: --user/--client-id choose it; else the profile's `auth`; else the env identity.
    # (MAUTIC_USER / MAUTIC_CLIENT_ID only fill in the identity, they never switch a profile's kind.)
    if flags.get("client_id"):
        kind: AuthKind = "oauth2"
    elif flags.get("user"):
        kind = "basic"
    elif profile is not None:
        kind = profile.auth
    else:
        kind = "oauth2" if client_id and not user else "basic"
    if kind == "basic":
        user = user or (profile.user if profile else None)
        if not user:  # (a profile always names its user: the URL came from --url or the env)
            url_source = "--url" if flags.get("url") else f"{ENV_VARS['url']} ({url})"
            hint = "" if flags.get("url") else f", or --sandbox to ignore {ENV_VARS['url']}"
            raise ConfigError(
                f"{url_source} needs --user NAME (Basic auth, password from MAUTIC_PASSWORD) "
                f"or --client-id ID (OAuth2, secret from MAUTIC_CLIENT_SECRET){hint}"
            )
        client_id = None
    else:
        client_id = client_id or (profile.client_id if profile else None)
        user = None

    # The profile's secret source belongs to its own auth kind; a flag-chosen other kind uses the default.
    default_env = PASSWORD_ENV if kind == "basic" else CLIENT_SECRET_ENV
    own_secret = profile.secret if profile is not None and profile.auth == kind else None
    source = own_secret or f"env:{default_env}"
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


def build_client(settings: Settings) -> MauticClient:
    """The one MauticClient for these settings (not yet entered; the app owns its life).

    Sandbox: the Starlette app over `httpx.ASGITransport` on the seeded SQLite file, no port.
    """
    from stages_tui.api import BasicAuth, MauticClient, OAuth2ClientCredentials

    if settings.is_sandbox:
        return sandbox_client(settings)
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
