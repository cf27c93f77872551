"""How client errors read on screen: the server's own text, cleaned, plus advice."""

from __future__ import annotations

from stages_tui.api import (
    AuthFailed,
    BadResponse,
    Forbidden,
    MauticError,
    NotFound,
    Timeout,
    Unreachable,
)

from .display import clean


def error_text(error: BaseException) -> str:
    """One line: the kind, the server's message and the HTTP status (never markup)."""
    if isinstance(error, MauticError):
        text = error.user_message
        if error.status is not None and f"HTTP {error.status}" not in text:
            text = f"{text} (HTTP {error.status})"
        return clean(text)
    return clean(f"{type(error).__name__}: {error}")


def startup_advice(error: BaseException) -> str:
    """What the user can do about a failure to connect."""
    if isinstance(error, (Unreachable, Timeout)):
        return ("Check the server URL and your network (or VPN), then press r to retry "
                "(ctrl+q quits).")
    if isinstance(error, AuthFailed):
        return ("Check the user name and password (or the OAuth2 client id and secret) in "
                "your profile or environment and start stages-tui again (ctrl+q quits); "
                "r retries, e.g. after a Mautic admin fixed the account.")
    if isinstance(error, Forbidden):
        return ("In Mautic, open Settings > Configuration > API Settings and set "
                "'API enabled' to Yes (and 'Enable HTTP basic auth' to Yes when you log in "
                "with a password), or give this user access to stages. Then press r to retry.")
    if isinstance(error, (NotFound, BadResponse)):
        return ("Something answered, but not Mautic's API: check the base URL (the site's "
                "address, e.g. https://mautic.example.com, without /api), then press r to retry.")
    return "Press r to retry, or ctrl+q to quit."


def is_connection_error(error: BaseException) -> bool:
    """Failures that mean "not talking to a working Mautic API" (vs. one bad request)."""
    return isinstance(error, (Unreachable, Timeout, AuthFailed, Forbidden, NotFound, BadResponse))
