"""The Mautic-compatible sandbox as a Starlette app: protocol, auth, routing.

Everything an HTTP client can observe follows real Mautic 5.1.0: the catch-all 404 for
unknown paths and wrong methods, the trailing-slash 301, HEAD and OPTIONS, the
X-HTTP-Method-Override header, the /index.php prefix, and which answers carry the
Mautic-Version header.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import category_routes, contact_routes, stage_routes
from .auth import Authenticator, OAuthClient
from .errors import ApiError, exception_error, server_error
from .phpish import json_bytes, parse_nested
from .store import Store, utc_now
from .wire import MAUTIC_VERSION, Ctx, Reply, error_response, json_response

log = logging.getLogger(__name__)
HTML = "text/html; charset=UTF-8"
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class SandboxConfig:
    db_path: str | None = None            # None: in-memory SQLite
    user: str = "admin"
    password: str = field(default="", repr=False)
    # (client_id "<n>_<random>", secret, name)
    oauth_clients: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    site_url: str = "http://localhost"    # activity hrefs: <site_url>/s/stages/edit/<id>
    latency: float = 0.0                  # seconds added to every /api request
    token_ttl: float = 3600
    clock: Callable[[], datetime] | None = None  # tests and replays move time by hand
    mautic_version: str = MAUTIC_VERSION


Handler = Callable[..., Reply]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    (method, re.compile(pattern + r"\Z"), handler)
    for method, pattern, handler in (stage_routes.ROUTES + contact_routes.ROUTES
                                     + category_routes.ROUTES)
]


def _match(method: str, path: str) -> tuple[Handler, tuple[str, ...]] | None:
    for route_method, pattern, handler in _ROUTES:
        if route_method == method:
            m = pattern.match(path)
            if m:
                return handler, m.groups()
    return None


class Sandbox:
    """The ASGI endpoint behind every path."""

    def __init__(self, config: SandboxConfig, store: Store):
        self.config = config
        self.store = store
        clients = [OAuthClient(cid, secret, name) for cid, secret, name in config.oauth_clients]
        self.auth = Authenticator(config.user, config.password, clients, config.token_ttl,
                                  config.clock or utc_now)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except ApiError as err:
            response = error_response(err, self.config.mautic_version)
        except Exception:  # a bug of ours: answer like Mautic's unexpected-error 500
            log.exception("sandbox: unexpected error on %s %s", request.method, request.url.path)
            response = error_response(server_error(), self.config.mautic_version)
        await response(scope, receive, send)

    # ------------------------------------------------------------------ protocol

    async def handle(self, request: Request) -> Response:
        path = request.url.path
        prefix = ""
        if path == "/index.php" or path.startswith("/index.php/"):
            prefix, path = "/index.php", path[len("/index.php"):] or "/"
        method = request.method.upper()
        override = request.headers.get("x-http-method-override")
        if method == "POST" and override:
            method = override.strip().upper()
        if path == "/oauth/v2/token" and method in ("GET", "POST"):
            return await self.token(request)
        if not (path == "/api" or path.startswith("/api/")):
            return Response("Not Found", status_code=404, media_type=HTML)
        if self.config.latency > 0:
            await asyncio.sleep(self.config.latency)
        if method == "OPTIONS":
            return Response(status_code=204, headers={"Cache-Control": "no-cache, private"},
                            media_type=HTML)
        query = parse_nested(urllib.parse.parse_qsl(request.url.query, keep_blank_values=True))
        identity = self.auth.identify(request.headers.get("authorization"), query)
        if path.endswith("/") and len(path) > 1:
            return self.redirect_without_slash(request, prefix + path.rstrip("/"))
        lookup_method = "GET" if method == "HEAD" else method
        found = _match(lookup_method, path)
        if found is None:
            raise exception_error(404, "Requested URL not found: " + _request_uri(request))
        handler, args = found
        params: dict[str, Any] = {}
        if lookup_method in BODY_METHODS:
            params = await read_body(request)
        ctx = Ctx(self.store, identity, query, params, self.config.site_url)
        # asyncio's own executor, not starlette's run_in_threadpool: same worker threads for the
        # blocking SQLite work, without importing anyio's backend (~15 ms of the TUI's start-up).
        reply = await asyncio.get_running_loop().run_in_executor(None, self.run, handler, ctx, args)
        response = json_response(reply.status, reply.body, versioned=reply.versioned,
                                 version=self.config.mautic_version, headers=reply.headers)
        if method == "HEAD":
            return _headers_only(response)
        return response

    def run(self, handler: Handler, ctx: Ctx, args: tuple[str, ...]) -> Reply:
        """One request is one transaction on the shared connection."""
        with self.store.lock:
            try:
                reply = handler(ctx, *args)
            except BaseException:
                self.store.rollback()
                raise
            self.store.commit()
            return reply

    def redirect_without_slash(self, request: Request, target_path: str) -> Response:
        """Symfony's RedirectResponse to the absolute slash-less URL (query dropped)."""
        location = f"{request.url.scheme}://{request.url.netloc}{target_path}"
        escaped = (location.replace("&", "&amp;").replace('"', "&quot;")
                   .replace("'", "&#039;").replace("<", "&lt;").replace(">", "&gt;"))
        html = (
            "<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset=\"UTF-8\" />\n"
            f"        <meta http-equiv=\"refresh\" content=\"0;url='{escaped}'\" />\n\n"
            f"        <title>Redirecting to {escaped}</title>\n    </head>\n    <body>\n"
            f"        Redirecting to <a href=\"{escaped}\">{escaped}</a>.\n    </body>\n</html>"
        )
        return Response(html, status_code=301, media_type="text/html; charset=utf-8",
                        headers={"Location": location, "Cache-Control": "no-cache, private"})

    # ------------------------------------------------------------------ OAuth2

    async def token(self, request: Request) -> Response:
        # oauth2-php reads the query string on GET and only the body on POST.
        if request.method.upper() == "POST":
            try:
                params = await read_body(request)
            except ApiError:
                params = {}
        else:
            params = parse_nested(urllib.parse.parse_qsl(request.url.query,
                                                         keep_blank_values=True))
        try:
            grant = self.auth.grant(params, request.headers.get("authorization"))
        except ApiError as err:
            return error_response(err, self.config.mautic_version)
        return Response(json_bytes(grant), status_code=200, media_type="application/json",
                        headers={"Cache-Control": "no-store, private", "Pragma": "no-cache"})


def _request_uri(request: Request) -> str:
    """PHP's getRequestUri(): the path as sent (with /index.php) plus the query string."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return path + ("?" + query if query else "")


def _headers_only(response: Response) -> Response:
    headers = dict(response.headers)
    headers["content-length"] = str(len(response.body))
    return Response(b"", status_code=response.status_code, headers=headers)


async def read_body(request: Request) -> dict[str, Any]:
    """The request body as Mautic's FOSRest body listener decodes it.

    JSON (object or array) and form bodies are parsed; other types are ignored;
    malformed JSON, a JSON string, number or null is the generic 400.
    """
    body = await request.body()
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("application/json", "application/x-json") or ctype.endswith("+json"):
        if not body.strip():
            return {}
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:
            raise exception_error(400) from None
        if isinstance(data, dict):
            return data
        if isinstance(data, list):
            return {str(i): v for i, v in enumerate(data)}
        raise exception_error(400)
    if ctype == "application/x-www-form-urlencoded":
        text = body.decode("utf-8", "replace")
        return parse_nested(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if ctype == "multipart/form-data":
        form = await request.form()
        return parse_nested((k, v) for k, v in form.multi_items() if isinstance(v, str))
    return {}


def create_app(config: SandboxConfig) -> Starlette:
    """A Starlette app answering like Mautic 5.1.0; `app.state.store` is its Store."""
    store = Store(config.db_path, clock=config.clock)
    sandbox = Sandbox(config, store)
    app = Starlette(routes=[Route("/{rest:path}", sandbox)])
    app.state.store = store
    app.state.sandbox = sandbox
    app.state.config = config
    return app


__all__ = ["SandboxConfig", "create_app"]
