"""MauticClient: one async method per Mautic endpoint the app uses.

One ``httpx.AsyncClient`` per MauticClient (connection reuse); use it as an async context
manager or call ``aclose()``. Every failure is a ``MauticError`` subclass. GETs are
retried a few times with backoff on connection errors and 502/503/504; POST, PUT, PATCH
and DELETE are never retried (a retried create could make a duplicate stage).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Iterable, Mapping

import httpx

from .. import __version__
from . import envelopes
from .errors import (
    BadResponse,
    MauticError,
    Timeout,
    Unreachable,
    ValidationFailed,
    error_from_response,
)
from .models import Category, Contact, Page, Stage, StageChange, StageDraft
from .wire import contact_list_params, stage_changes_to_wire, stage_list_params

__all__ = ["MauticClient", "USER_AGENT"]

USER_AGENT = f"stages-tui/{__version__} (+httpx/{httpx.__version__})"

# Connection errors worth retrying for an idempotent GET.
_RETRYABLE_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError)
_RETRYABLE_STATUSES = frozenset({502, 503, 504})
# Mautic refuses batches over 200 items (a 500).
BATCH_MAX = 200


def _api_root(base_url: str) -> httpx.URL:
    """The Mautic site URL the ``/api/...`` paths hang from.

    Accepts ``https://host``, ``https://host/``, ``https://host/index.php`` and a URL
    already ending in ``/api``. Credentials inside the URL are refused (they would leak
    into messages); pass them as ``auth``.
    """
    try:
        url = httpx.URL(base_url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise ValueError(f"invalid Mautic base URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("the Mautic base URL must start with http:// or https:// and name a host")
    if url.userinfo:
        raise ValueError("put credentials in the auth settings, not in the base URL")
    path = url.path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return url.copy_with(path=path + "/", query=None, fragment=None)


class MauticClient:
    """Async client for Mautic 5.x stages, contacts and categories.

    Args:
        base_url: the Mautic site (``https://mautic.example.com``; ``/index.php`` kept).
        auth: ``BasicAuth`` or ``OAuth2ClientCredentials`` (any ``httpx.Auth``), or None.
        transport: an httpx transport to use instead of the network (``ASGITransport``
            for the embedded sandbox, ``MockTransport`` in tests).
        timeout: seconds to wait for an answer (read/write/pool).
        connect_timeout: seconds to wait for a connection.
        verify_tls: check the server's TLS certificate (turn off only for self-signed dev
            servers).
        retries: how many times a GET is retried on connection errors and 502/503/504.
        backoff: first retry delay in seconds, doubled each retry.
    """

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        verify_tls: bool = True,
        retries: int = 2,
        backoff: float = 0.3,
        user_agent: str = USER_AGENT,
    ) -> None:
        root = _api_root(base_url)
        self.base_url = str(root).rstrip("/")
        # Mautic's version as its last answer gave it (Mautic-Version header), once known.
        self.server_version: str | None = None
        self.retries = max(0, retries)
        self.backoff = max(0.0, backoff)
        self._http = httpx.AsyncClient(
            base_url=root,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(connect_timeout, timeout)),
            limits=httpx.Limits(max_connections=10, max_keepalive_connections=5),
            verify=verify_tls,
            follow_redirects=False,  # a redirect means a wrong base URL; say so instead
            headers={"User-Agent": user_agent, "Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"MauticClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> "MauticClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections. The client cannot be used afterwards."""
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    # ------------------------------------------------------------------ transport core

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, str]] | None = None,
        json_body: Any = None,
    ) -> tuple[int, Any]:
        """Send one request; return (status, decoded JSON) for 2xx or raise MauticError."""
        query = list(params) if params is not None else None  # reused by retries
        attempts = 1 + (self.retries if method == "GET" else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = await self._http.request(
                    method,
                    path.lstrip("/"),
                    params=query,
                    json=json_body,
                )
            except _RETRYABLE_ERRORS as exc:
                if last:
                    raise self._transport_error(exc) from None
            except httpx.HTTPError as exc:
                raise self._transport_error(exc) from None
            else:
                if response.status_code in _RETRYABLE_STATUSES and not last:
                    await response.aclose()
                else:
                    return self._decode(response)
            await asyncio.sleep(self.backoff * (2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _transport_error(self, exc: httpx.HTTPError) -> MauticError:
        detail = str(exc).strip() or type(exc).__name__
        if isinstance(exc, httpx.ConnectTimeout):
            return Timeout(f"connecting to {self.base_url} timed out")
        if isinstance(exc, httpx.TimeoutException):
            return Timeout(f"{self.base_url} did not answer in time")
        if "CERTIFICATE_VERIFY_FAILED" in detail or "certificate verify failed" in detail:
            return Unreachable(
                f"{self.base_url}: its TLS certificate is not trusted ({detail}); turn TLS "
                "verification off only for a test server you control"
            )
        if isinstance(exc, (httpx.TransportError, httpx.StreamError)):
            return Unreachable(f"{self.base_url}: {detail}")
        return Unreachable(f"{self.base_url}: {type(exc).__name__}")

    def _decode(self, response: httpx.Response) -> tuple[int, Any]:
        status = response.status_code
        self.server_version = response.headers.get("Mautic-Version", self.server_version)
        is_json, body = _json_body(response.content)
        if 200 <= status < 300:
            if not is_json:
                raise BadResponse(
                    f"HTTP {status} without a JSON body (is {self.base_url} a Mautic site?)",
                    status=status,
                )
            return status, body
        if 300 <= status < 400:
            where = response.headers.get("Location", "elsewhere")
            raise BadResponse(
                f"Mautic redirected to {where}; check the base URL (http vs https, path)",
                status=status,
            )
        raise error_from_response(status, body if is_json else None, response.reason_phrase)

    # ------------------------------------------------------------------------- stages

    async def list_stages(
        self,
        search: str = "",
        start: int = 0,
        limit: int = 30,
        order_by: str | None = None,
        order_dir: str = "asc",
        published_only: bool = False,
        minimal: bool = False,
    ) -> Page[Stage]:
        """``GET /api/stages``: one page of stages.

        Args:
            search: Mautic search string (``is:published``, ``category:<alias>``,
                ``ids:1,2``, ``!word``, ``+exact``, ``"a phrase"``, ``OR``).
            start, limit: paging; ``limit=0`` means every matching stage.
            order_by: ``id``, ``name``, ``weight``, ``category`` (category title),
                ``date_added``, ``is_published``, ... (python or camelCase names); None
                keeps Mautic's order (by id). A tie-breaker on id keeps pages stable.
            order_dir: ``"asc"`` or ``"desc"``.
            published_only: only stages whose published flag is on (dates not checked).
            minimal: Mautic's lighter form (publish dates left out, so they read None).
        """
        params = stage_list_params(
            search=search, start=start, limit=limit, order_by=order_by,
            order_dir=order_dir, published_only=published_only, minimal=minimal,
        )
        _, body = await self._request("GET", "/api/stages", params=params)
        return envelopes.page(body, "stages", Stage)

    async def get_stage(self, stage_id: int) -> Stage:
        """``GET /api/stages/{id}``; NotFound if it does not exist."""
        _, body = await self._request("GET", f"/api/stages/{_id(stage_id)}")
        return envelopes.one(body, "stage", Stage.from_api)

    async def create_stage(self, draft: StageDraft) -> Stage:
        """``POST /api/stages/new``; ValidationFailed (status None) before sending if bad."""
        body = _draft_body(draft)
        _, answer = await self._request("POST", "/api/stages/new", json_body=body)
        return envelopes.one(answer, "stage", Stage.from_api)

    async def edit_stage(self, stage_id: int, changes: Mapping[str, Any]) -> Stage:
        """``PATCH /api/stages/{id}/edit``: change only the given fields.

        ``changes`` uses python (or camelCase) names and python values: ``name``,
        ``weight``, ``description``, ``is_published`` (bool), ``publish_up`` /
        ``publish_down`` (datetime, ``Y-m-d H:i`` text, or None to clear), ``category``
        (a Category, an id, or None to clear). Bad values raise ValidationFailed locally.
        """
        body = stage_changes_to_wire(changes)
        _, answer = await self._request("PATCH", f"/api/stages/{_id(stage_id)}/edit", json_body=body)
        return envelopes.one(answer, "stage", Stage.from_api)

    async def replace_stage(self, stage_id: int, draft: StageDraft) -> tuple[Stage, bool]:
        """``PUT /api/stages/{id}/edit``: replace every field.

        Returns ``(stage, created)``. When the id does not exist Mautic creates a new
        stage **with a new id** (201) and ``created`` is True.
        """
        body = _draft_body(draft)
        status, answer = await self._request("PUT", f"/api/stages/{_id(stage_id)}/edit", json_body=body)
        return envelopes.one(answer, "stage", Stage.from_api), status == 201

    async def delete_stage(self, stage_id: int) -> Stage:
        """``DELETE /api/stages/{id}/delete``: the deleted stage as it was.

        Mautic answers with ``id: null``; the returned Stage carries the requested id.
        Contacts in the stage are left with no stage; its log rows are deleted.
        """
        _, body = await self._request("DELETE", f"/api/stages/{_id(stage_id)}/delete")
        stage = envelopes.one(body, "stage", Stage.from_api)
        if stage.id is None:
            stage.id = stage_id
        return stage

    async def delete_stages(self, stage_ids: Iterable[int]) -> list[Stage]:
        """``DELETE /api/stages/batch/delete``: the stages that were deleted.

        Ids that do not exist are skipped silently (as Mautic does). Sent in chunks of
        200, Mautic's batch limit.
        """
        ids = [_id(i) for i in stage_ids]
        deleted: list[Stage] = []
        for chunk_start in range(0, len(ids), BATCH_MAX):
            chunk = ids[chunk_start : chunk_start + BATCH_MAX]
            params = [("ids", ",".join(str(i) for i in chunk))]
            _, body = await self._request("DELETE", "/api/stages/batch/delete", params=params)
            deleted += envelopes.many(body, "stages", Stage.from_api)
        return deleted

    # ------------------------------------------------------------------ stage moves

    async def add_contact(self, stage_id: int, contact_id: int) -> None:
        """``POST /api/stages/{id}/contact/{contactId}/add``: put the contact in the stage.

        Mautic ignores publish state and weight here, and logs "Manually Added" each call.
        NotFound: "Item was not found." (stage) or "Contact not found.".
        """
        _, body = await self._request(
            "POST", f"/api/stages/{_id(stage_id)}/contact/{_id(contact_id)}/add"
        )
        envelopes.success(body)

    async def remove_contact(self, stage_id: int, contact_id: int) -> None:
        """``POST /api/stages/{id}/contact/{contactId}/remove``.

        Careful: Mautic clears the contact's stage whatever stage it is in, even if it
        is not ``stage_id``. Check ``contact.stage`` first when that matters.
        """
        _, body = await self._request(
            "POST", f"/api/stages/{_id(stage_id)}/contact/{_id(contact_id)}/remove"
        )
        envelopes.success(body)

    # ---------------------------------------------------------------------- contacts

    async def list_contacts(
        self,
        search: str = "",
        start: int = 0,
        limit: int = 30,
        stage_id: int | None = None,
        no_stage: bool = False,
        order_by: str | None = "last_active",
        order_dir: str = "desc",
    ) -> Page[Contact]:
        """``GET /api/contacts``: one page of contacts.

        Args:
            search: Mautic contact search (``email:``, ``name:``, plain words, ...).
            stage_id: only contacts currently in this stage (exact, by id).
            no_stage: only contacts in no stage.
            order_by: ``last_active`` (Mautic's default), ``date_added``, ``email``,
                ``id``, ``firstname``, ``lastname``, ``points`` (snake_case or camelCase);
                None leaves Mautic's default.
        """
        params = contact_list_params(
            search=search, start=start, limit=limit, stage_id=stage_id,
            no_stage=no_stage, order_by=order_by, order_dir=order_dir,
        )
        _, body = await self._request("GET", "/api/contacts", params=params)
        return envelopes.page(body, "contacts", Contact)

    async def get_contact(self, contact_id: int) -> Contact:
        """``GET /api/contacts/{id}``; NotFound if it does not exist."""
        _, body = await self._request("GET", f"/api/contacts/{_id(contact_id)}")
        return envelopes.one(body, "contact", Contact.from_api)

    async def stage_history(self, contact_id: int, *, max_pages: int = 10) -> list[StageChange]:
        """The contact's stage log, newest first (activity events ``stage.changed``).

        Reads up to ``max_pages`` pages of 100 events.
        """
        changes: list[StageChange] = []
        page_number = 1
        while True:
            params = [
                ("filters[includeEvents][]", "stage.changed"),
                ("page", str(page_number)),
                ("limit", "100"),
            ]
            _, body = await self._request(
                "GET", f"/api/contacts/{_id(contact_id)}/activity", params=params
            )
            events, pages = envelopes.stage_changes(body)
            changes += events
            if page_number >= min(pages, max_pages) or not events:
                return changes
            page_number += 1

    # -------------------------------------------------------------------- categories

    async def list_categories(self, bundle: str | None = "stage", search: str = "") -> list[Category]:
        """``GET /api/categories``: every category of ``bundle`` (None: all), by title.

        Filters with ``where bundle eq``: Mautic has no ``bundle:`` search command.
        """
        params: list[tuple[str, str]] = []
        if search.strip():
            params.append(("search", search.strip()))
        params += [("start", "0"), ("limit", "0"), ("orderBy", "title,id"), ("orderByDir", "ASC")]
        if bundle:
            params += [
                ("where[0][col]", "bundle"),
                ("where[0][expr]", "eq"),
                ("where[0][val]", bundle),
            ]
        _, body = await self._request("GET", "/api/categories", params=params)
        return envelopes.many(body, "categories", Category.from_api)


def _json_body(content: bytes) -> tuple[bool, Any]:
    """(is_json, decoded). Tolerates a UTF-8 BOM and PHP notices printed before the JSON
    (``display_errors`` on a misconfigured Mautic), which real installs do send."""
    if not content:
        return False, None
    text = content.removeprefix(b"\xef\xbb\xbf")
    try:
        return True, json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        pass
    start = text.find(b'{"')
    if start <= 0:
        return False, None
    try:
        decoder = json.JSONDecoder()
        body, end = decoder.raw_decode(text[start:].decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False, None
    if text[start:].decode("utf-8")[end:].strip():
        return False, None
    return True, body


def _id(value: int) -> int:
    """Ids go into URL paths: only positive ints (Mautic's routes take \\d+)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"an id must be a non-negative int, not {value!r}")
    return value


def _draft_body(draft: StageDraft) -> dict[str, Any]:
    problems = draft.problems()
    if problems:
        raise ValidationFailed.local(problems)
    return draft.to_wire()
