"""Mautic's three error body shapes, raised as exceptions and rendered by app.py.

- controller errors (`returnError`): {"code","message","details"}; carry Mautic-Version;
- exception/catch-all errors: {"message","code","type":null}; no Mautic-Version;
- auth-layer errors: {"message","code","type":"<string>"}; no Mautic-Version.
"""

from __future__ import annotations

from typing import Any

GENERIC_MESSAGE = (
    "Looks like I encountered an error (error #{code}). "
    "If I do it again, please report me to the system administrator!"
)


class ApiError(Exception):
    """An error answer. `body` is the JSON body; `versioned` adds Mautic-Version."""

    def __init__(self, status: int, body: dict[str, Any], *, versioned: bool,
                 headers: dict[str, str] | None = None, symfony_json: bool = False):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.versioned = versioned
        self.headers = headers or {}
        self.symfony_json = symfony_json


def controller_error(status: int, message: str, details: Any = None,
                     headers: dict[str, str] | None = None) -> ApiError:
    """FetchCommonApiController::returnError shape (no `type`), with Mautic-Version."""
    body = {"errors": [{"code": status, "message": message,
                        "details": [] if details is None else details}]}
    return ApiError(status, body, versioned=True, headers=headers)


def not_found(headers: dict[str, str] | None = None) -> ApiError:
    return controller_error(404, "Item was not found.", headers=headers)


def exception_error(status: int, message: str | None = None) -> ApiError:
    """ExceptionController shape; the real message only where Mautic lets it through."""
    msg = message if message is not None else GENERIC_MESSAGE.format(code=status)
    return ApiError(status, {"errors": [{"message": msg, "code": status, "type": None}]},
                    versioned=False)


def server_error() -> ApiError:
    """The generic 500 Mautic gives for DB errors, bad orderBy, bad paging values."""
    return exception_error(500)


def auth_error(status: int, message: str, kind: str) -> ApiError:
    return ApiError(status, {"errors": [{"message": message, "code": status, "type": kind}]},
                    versioned=False, symfony_json=True)


class ValidationError(Exception):
    """Form errors: field -> list of messages, in Mautic's field order."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(", ".join(errors))
        self.errors = errors

    def message(self) -> str:
        return ", ".join(f"{field}: {msg}" for field, msgs in self.errors.items() for msg in msgs)

    def to_api_error(self) -> ApiError:
        return controller_error(400, self.message(), dict(self.errors))

    def batch_entry(self) -> dict[str, Any]:
        return {"code": 400, "message": self.message(), "details": dict(self.errors), "type": None}


def batch_not_found_entry() -> dict[str, Any]:
    return {"message": "Item was not found.", "code": 404, "type": "api"}
