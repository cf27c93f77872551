"""Startup failures are a clear screen with retry, never a traceback."""

from __future__ import annotations

import httpx
from textual.widgets import Static

from stages_tui.tui.screens.stage_list import StageListScreen
from stages_tui.tui.screens.startup import StartupScreen

from tui_harness import Fault, build, running, settle


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_unreachable_server_then_retry_connects():
    app, _, transport = build()
    transport.faults.append(Fault(error=httpx.ConnectError))
    async with running(app) as (pilot, _):
        assert isinstance(app.screen, StartupScreen)
        assert "Cannot connect to sandbox" in text(app, "#startup-title")
        assert "Cannot reach Mautic" in text(app, "#startup-message")
        assert "Cannot reach" not in text(app, "#startup-title")  # said once, in the message
        assert "press r to retry" in text(app, "#startup-advice")
        assert "To use a real Mautic" in text(app, "#startup-sandbox")
        transport.faults.clear()
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, StageListScreen)
        # the keys work on the list at once (the hidden search input had the focus: j typed)
        assert app.screen.focused is app.screen.table
        await pilot.press("j")
        assert app.screen.table.current_id == 2


async def test_wrong_credentials_say_so():
    app, _, transport = build()
    transport.faults.append(Fault(status=401, body={"errors": [{
        "message": "Authorization denied, invalid credentials.", "code": 401,
        "type": "access_denied"}]}))
    async with running(app) as (pilot, _):
        assert isinstance(app.screen, StartupScreen)
        assert "Authorization denied, invalid credentials." in text(app, "#startup-message")
        assert "user name and password" in text(app, "#startup-advice")


async def test_real_wrong_password_against_the_sandbox():
    from stages_tui.api import BasicAuth, MauticClient
    from stages_tui.tui.app import make_app
    from tui_harness import sandbox_app, settings

    sandbox = sandbox_app()
    client = MauticClient("http://sandbox", auth=BasicAuth("admin", "wrong"), retries=0,
                          transport=httpx.ASGITransport(app=sandbox))
    app = make_app(settings(), client=client)
    async with running(app) as (pilot, _):
        assert isinstance(app.screen, StartupScreen)
        assert "HTTP 401" in text(app, "#startup-message")
        assert "wrong" not in text(app, "#startup-message")  # the secret never shows


async def test_disabled_api_explains_where_to_enable_it():
    app, _, transport = build()
    transport.faults.append(Fault(status=403, body={"errors": [{
        "message": "API disabled. You need to enable the API in the API settings of "
                   "Mautic's Configuration.", "code": 403, "type": "api_disabled"}]}))
    async with running(app) as (pilot, _):
        assert "API disabled." in text(app, "#startup-message")
        assert "API Settings" in text(app, "#startup-advice")
        assert app.screen.check_action("retry", ()) is True


async def test_timeout_and_bad_response_are_screens_too():
    app, _, transport = build()
    transport.faults.append(Fault(error=httpx.ReadTimeout))
    async with running(app) as (pilot, _):
        assert isinstance(app.screen, StartupScreen)
        assert "Timed out" in text(app, "#startup-message")
        transport.faults[:] = [Fault(status=200, body=["not", "mautic"])]
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, StartupScreen)
        assert "Unexpected response" in text(app, "#startup-message")


async def test_client_is_closed_when_the_app_exits():
    app, _, _ = build()
    async with running(app) as (pilot, _):
        assert not app.client.closed
    assert app.client.closed


async def test_wrong_base_url_points_at_the_url():
    app, _, transport = build()
    transport.faults.append(Fault(status=404, body={"errors": [{
        "message": "Requested URL not found: /mautic/api/categories", "code": 404, "type": None}]}))
    async with running(app) as (pilot, _):
        assert isinstance(app.screen, StartupScreen)
        assert "Requested URL not found" in text(app, "#startup-message")
        assert "check the base URL" in text(app, "#startup-advice")


async def test_a_server_error_on_the_first_page_is_the_lists_error_state():
    app, _, transport = build()
    transport.faults.append(Fault(path="/api/stages$", status=500))
    async with running(app) as (pilot, _):
        assert isinstance(app.screen, StageListScreen)
        assert "Simulated error 500" in text(app, "#list-message")
