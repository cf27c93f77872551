"""Errors raised by the Mautic client.

Every failure the client can meet (HTTP error, network trouble, unreadable body, local
validation) is one of these. Each carries the HTTP status (None when no response came
back), Mautic's own message and, for validation, the per-field messages. The text is
built only from the server's error body and from our own wording: request headers,
credentials and tokens never go into it.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = [
    "MauticError",
    "NotFound",
    "ValidationFailed",
    "AuthFailed",
    "Forbidden",
    "RateLimited",
    "RequestRejected",
    "ServerError",
    "Unreachable",
    "Timeout",
    "BadResponse",
    "error_from_response",
]

# The one line of Mautic's generic exception body carries no information for a person.
_GENERIC_PREFIX = "Looks like I encountered an error"


class MauticError(Exception):
    """Base of every client failure.

    Attributes:
        status: HTTP status, or None when no response arrived (network, local validation).
        message: Mautic's own message (``errors[0].message``) or our description.
        fields: per-field messages, ``{"name": ["A name is required."]}`` (Mautic's field
            names: name, weight, description, isPublished, publishUp, publishDown, category).
        code: Mautic's ``errors[0].code`` when present.
        error_type: Mautic's ``errors[0].type`` (``"access_denied"``, ...) when present.
    """

    kind = "Error"  # short human label used by user_message

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        fields: Mapping[str, list[str]] | None = None,
        code: int | None = None,
        error_type: str | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}
        self.code = code
        self.error_type = error_type
        super().__init__(message)

    @property
    def details(self) -> dict[str, list[str]]:
        """Same as ``fields`` (Mautic calls them ``details``)."""
        return self.fields

    @property
    def user_message(self) -> str:
        """One readable line, e.g. ``"Not found: Item was not found."``."""
        message = self.message.strip() or "no details given"
        if self.fields:
            # Mautic's own message already lists "field: msg"; rebuild it so local
            # validation errors read the same.
            message = "; ".join(
                f"{name}: {' '.join(msgs)}" for name, msgs in self.fields.items() if msgs
            ) or message
        if self.status is not None and self.kind in ("Error", "Request rejected", "Server error"):
            return f"{self.kind} (HTTP {self.status}): {message}"
        return f"{self.kind}: {message}"

    def __str__(self) -> str:
        return self.user_message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r}, fields={self.fields!r})"


class NotFound(MauticError):
    """404: the item (or the URL: wrong base URL / not an API path) does not exist."""

    kind = "Not found"


class ValidationFailed(MauticError):
    """400/422 from Mautic, or rejected locally before sending (status None)."""

    kind = "Invalid input"

    @classmethod
    def local(cls, fields: Mapping[str, list[str]]) -> "ValidationFailed":
        """A rejection found before sending, worded as Mautic words its own."""
        message = ", ".join(f"{name}: {msg}" for name, msgs in fields.items() for msg in msgs)
        return cls(message, status=None, fields=fields)


class AuthFailed(MauticError):
    """401: missing or wrong credentials, invalid/expired token, bad OAuth2 client."""

    kind = "Authentication failed"


class Forbidden(MauticError):
    """403: API or Basic auth disabled in Mautic, or the user lacks the permission."""

    kind = "Forbidden"


class RateLimited(MauticError):
    """429: Mautic's API rate limiter."""

    kind = "Rate limited"


class RequestRejected(MauticError):
    """Any other 4xx Mautic sends (405, 409, 413, ...)."""

    kind = "Request rejected"


class ServerError(MauticError):
    """5xx. Mautic also answers some bad input with 500 (bad category id, huge weight)."""

    kind = "Server error"


class Unreachable(MauticError):
    """No connection: DNS failure, connection refused, TLS failure, connection dropped."""

    kind = "Cannot reach Mautic"


class Timeout(MauticError):
    """The server did not answer in time."""

    kind = "Timed out"


class BadResponse(MauticError):
    """The answer is not what Mautic sends: not JSON, wrong shape, a redirect."""

    kind = "Unexpected response"


def _first_error(body: Any) -> Mapping[str, Any] | None:
    """Mautic's ``errors[0]`` (list or index-keyed object), or the OAuth ``error`` shape."""
    if not isinstance(body, Mapping):
        return None
    errors = body.get("errors")
    if isinstance(errors, Mapping):
        errors = list(errors.values())
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        return errors[0]
    if isinstance(body.get("error"), str):  # raw OAuth2 server shape
        return {
            "message": body.get("error_description") or body["error"],
            "type": body["error"],
        }
    return None


def _details(raw: Any) -> dict[str, list[str]]:
    """``details`` is ``[]`` or ``{"field": ["msg", ...]}``; keep only the readable part."""
    if not isinstance(raw, Mapping):
        return {}
    fields: dict[str, list[str]] = {}
    for name, msgs in raw.items():
        if isinstance(msgs, str):
            msgs = [msgs]
        if isinstance(msgs, list):
            texts = [m for m in msgs if isinstance(m, str)]
            if texts:
                fields[str(name)] = texts
    return fields


def _class_for(status: int) -> type[MauticError]:
    if status == 404:
        return NotFound
    if status in (400, 422):
        return ValidationFailed
    if status == 401:
        return AuthFailed
    if status == 403:
        return Forbidden
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return RequestRejected
    return BadResponse


def error_from_response(status: int, body: Any, reason: str = "") -> MauticError:
    """Build the right MauticError from an HTTP status and Mautic's decoded error body.

    ``body`` is the decoded JSON, or None when the body was not JSON (a proxy's HTML page).
    """
    first = _first_error(body)
    message = ""
    fields: dict[str, list[str]] = {}
    code = error_type = None
    if first is not None:
        raw_message = first.get("message")
        message = raw_message if isinstance(raw_message, str) else ""
        fields = _details(first.get("details"))
        raw_code = first.get("code")
        code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
        raw_type = first.get("type")
        error_type = raw_type if isinstance(raw_type, str) else None
    if message.startswith(_GENERIC_PREFIX):
        # Mautic hides the real cause outside dev mode.
        if status == 400:
            message = "Mautic could not read the request."
        else:
            message = "Mautic reported an internal error; its log has the details."
    if not message:
        message = f"HTTP {status} {reason}".strip()
        if body is None:
            message += " (not a Mautic API answer; check the base URL)"
    return _class_for(status)(
        message, status=status, fields=fields, code=code, error_type=error_type
    )
