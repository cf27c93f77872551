"""Every failure becomes a MauticError subclass with a readable one-line message,
built from Mautic's real error bodies; GETs retry, writes never do."""

from __future__ import annotations

import httpx
import pytest

from stages_tui.api import (
    AuthFailed,
    BadResponse,
    BasicAuth,
    Forbidden,
    MauticClient,
    MauticError,
    NotFound,
    RateLimited,
    RequestRejected,
    ServerError,
    StageDraft,
    Timeout,
    Unreachable,
    ValidationFailed,
)

from .conftest import PASSWORD, query, recorded


@pytest.mark.parametrize(
    ("recording", "kind", "user_message"),
    [
        ("error_not_found", NotFound, "Not found: Item was not found."),
        ("error_contact_not_found", NotFound, "Not found: Contact not found."),
        ("error_unknown_route", NotFound, "Not found: Requested URL not found: /api/nosuchthing"),
        ("error_no_credentials", AuthFailed, "Authentication failed: API authorization denied."),
        ("error_wrong_password", AuthFailed,
         "Authentication failed: Authorization denied, invalid credentials."),
        ("error_two_fields", ValidationFailed,
         "Invalid input: name: A name is required.; weight: This value is not valid."),
        ("error_category_500", ServerError,
         "Server error (HTTP 500): Category 987654321 does not exist"),
        ("error_generic_500", ServerError,
         "Server error (HTTP 500): Mautic reported an internal error; its log has the details."),
    ],
)
async def test_recorded_errors_map_to_kinds(client, recorder, recording, kind, user_message):
    recorder.reply_recorded(recording)
    with pytest.raises(kind) as info:
        await client.get_stage(1)
    err = info.value
    assert isinstance(err, MauticError)
    assert err.status == recorded(recording)[0]
    assert err.user_message == user_message
    assert str(err) == user_message


async def test_validation_details_are_per_field(client, recorder):
    recorder.reply_recorded("error_two_fields")
    with pytest.raises(ValidationFailed) as info:
        await client.edit_stage(5, {"description": "x"})
    err = info.value
    assert err.status == 400 and err.code == 400
    assert err.fields == {"name": ["A name is required."], "weight": ["This value is not valid."]}
    assert err.message == "name: A name is required., weight: This value is not valid."


@pytest.mark.parametrize(
    ("status", "body", "kind", "message"),
    [
        (403, {"errors": [{"message": "API disabled. You need to enable the API in the API settings of Mautic's Configuration.", "code": 403, "type": "api_disabled"}]},
         Forbidden, "API disabled. You need to enable the API in the API settings of Mautic's Configuration."),
        (429, {"errors": [{"code": 429, "message": "You exceeded the rate limit of 5 API calls per hour.", "details": []}]},
         RateLimited, "You exceeded the rate limit of 5 API calls per hour."),
        (400, {"errors": [{"message": "Looks like I encountered an error (error #400). If I do it again, please report me to the system administrator!", "code": 400, "type": None}]},
         ValidationFailed, "Mautic could not read the request."),
        (409, {"errors": {"0": {"message": "Conflict here", "code": 409}}}, RequestRejected, "Conflict here"),
        (401, {"error": "access_denied", "error_description": "OAuth2 authentication required"},
         AuthFailed, "OAuth2 authentication required"),
        (404, None, NotFound, "HTTP 404 Not Found (not a Mautic API answer; check the base URL)"),
        (500, {"weird": True}, ServerError, "HTTP 500 Internal Server Error"),
    ],
)
async def test_error_bodies(client, recorder, status, body, kind, message):
    if body is None:
        recorder.responses.append(httpx.Response(status, text="<html>nginx</html>"))
    else:
        recorder.reply(status, body)
    with pytest.raises(kind) as info:
        await client.delete_stage(3)
    assert info.value.status == status
    assert info.value.message == message


async def test_non_json_success_is_bad_response(client, recorder):
    recorder.responses.append(httpx.Response(200, text="<html>login page</html>"))
    with pytest.raises(BadResponse) as info:
        await client.get_stage(1)
    assert info.value.status == 200
    assert "a Mautic site" in info.value.user_message


@pytest.mark.parametrize(
    "body",
    [[], {"stage": None}, {"stage": {"id": "x", "name": "a"}}, {"nope": 1}, "text",
     {"stage": {"id": 1, "name": "a", "dateAdded": "yesterday"}}],
)
async def test_wrong_shapes_are_bad_response(client, recorder, body):
    recorder.reply(200, body)
    with pytest.raises(BadResponse):
        await client.get_stage(1)


@pytest.mark.parametrize("body", [{"success": 0}, {}, {"success": "yes"}, {"success": False}])
async def test_add_contact_without_success_is_bad_response(client, recorder, body):
    recorder.reply(200, body)
    with pytest.raises(BadResponse):
        await client.add_contact(1, 2)


async def test_redirect_is_reported_not_followed(client, recorder):
    recorder.responses.append(httpx.Response(301, headers={"Location": "https://mautic.test/api/stages"}))
    with pytest.raises(BadResponse) as info:
        await client.list_stages()
    assert info.value.status == 301
    assert "https://mautic.test/api/stages" in info.value.message
    assert len(recorder.requests) == 1


async def test_connection_refused_is_unreachable_after_retries(client, recorder):
    for _ in range(3):
        recorder.fail(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(Unreachable) as info:
        await client.list_stages()
    assert len(recorder.requests) == 3  # 1 + 2 retries
    assert info.value.status is None
    assert "Connection refused" in info.value.user_message
    assert info.value.__cause__ is None and info.value.__suppress_context__


async def test_get_retry_recovers_from_gateway_errors(client, recorder):
    recorder.reply(502, {}).fail(httpx.ConnectError("reset")).reply(200, {"total": 0, "stages": []})
    page = await client.list_stages(search="lead", order_by="name")
    assert page.total == 0 and len(recorder.requests) == 3
    assert all(query(r) == query(recorder.requests[0]) for r in recorder.requests)
    assert ("search", "lead") in query(recorder.last)


async def test_get_retries_are_bounded_for_503(client, recorder):
    for _ in range(3):
        recorder.reply(503, {"errors": [{"message": "Maintenance", "code": 503}]})
    with pytest.raises(ServerError) as info:
        await client.get_stage(1)
    assert info.value.status == 503 and len(recorder.requests) == 3


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.create_stage(StageDraft(name="A")),
        lambda c: c.edit_stage(1, {"name": "B"}),
        lambda c: c.replace_stage(1, StageDraft(name="A")),
        lambda c: c.delete_stage(1),
        lambda c: c.delete_stages([1, 2]),
        lambda c: c.add_contact(1, 2),
        lambda c: c.remove_contact(1, 2),
    ],
)
@pytest.mark.parametrize("failure", ["connect", "502"])
async def test_writes_are_never_retried(client, recorder, call, failure):
    if failure == "connect":
        recorder.fail(httpx.ConnectError("refused"))
        expected: type[MauticError] = Unreachable
    else:
        recorder.reply(502, {})
        expected = ServerError
    recorder.reply(200, {})  # would be consumed by a retry
    with pytest.raises(expected):
        await call(client)
    assert len(recorder.requests) == 1


async def test_timeouts(client, recorder):
    recorder.fail(httpx.ReadTimeout("slow"))
    with pytest.raises(Timeout) as info:
        await client.get_stage(1)
    assert len(recorder.requests) == 1  # a slow server is not retried
    assert info.value.user_message == "Timed out: http://mautic.test did not answer in time"
    recorder.fail(httpx.ConnectTimeout("slow")).fail(httpx.ConnectTimeout("slow")).fail(httpx.ConnectTimeout("slow"))
    with pytest.raises(Timeout):
        await client.get_stage(1)


async def test_other_transport_errors_are_unreachable(client, recorder):
    recorder.fail(httpx.WriteError("broken pipe"))
    with pytest.raises(Unreachable):
        await client.create_stage(StageDraft(name="A"))


def secret_free(text: str) -> bool:
    return PASSWORD not in text and "czNjcjN0" not in text  # base64 prefix of the password


async def test_no_secret_in_any_error_text(recorder):
    """Error texts, reprs and causes never carry the password or the Basic header."""
    import base64

    header = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    recorder.reply(401, {"errors": [{"message": "Authorization denied, invalid credentials.", "code": 401}]})
    recorder.fail(httpx.ConnectError("refused"))
    recorder.fail(httpx.ConnectError("refused"))
    recorder.fail(httpx.ConnectError("refused"))
    recorder.reply(200, {"stage": {"id": "bad"}})
    auth = BasicAuth("admin", PASSWORD)
    async with MauticClient("http://mautic.test", auth, transport=httpx.MockTransport(recorder), backoff=0) as c:
        errors = []
        for call in (c.list_stages, c.list_stages, lambda: c.get_stage(1)):
            try:
                await call()
            except MauticError as exc:
                errors.append(exc)
        texts = [str(e) for e in errors] + [repr(e) for e in errors] + [repr(auth), repr(c)]
        texts += [e.user_message for e in errors]
    assert len(errors) == 3
    for text in texts:
        assert PASSWORD not in text and header not in text


def test_details_is_fields():
    from stages_tui.api.errors import error_from_response

    err = error_from_response(400, {"errors": [{"code": 400, "message": "name: A name is required.",
                                                "details": {"name": ["A name is required."]}}]})
    assert err.details == err.fields == {"name": ["A name is required."]}


async def test_untrusted_certificate_says_so(client, recorder):
    recorder.fail(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"))
    recorder.fail(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"))
    recorder.fail(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"))
    with pytest.raises(Unreachable) as info:
        await client.list_stages()
    assert "TLS certificate is not trusted" in info.value.user_message


async def test_tls_verification_is_on_by_default_and_can_be_turned_off():
    import ssl

    on = MauticClient("https://m.test")
    off = MauticClient("https://m.test", verify_tls=False)
    pool_on = on._http._transport._pool  # httpx internals: only way to see the SSL context
    pool_off = off._http._transport._pool
    assert pool_on._ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert pool_off._ssl_context.verify_mode == ssl.CERT_NONE
    await on.aclose()
    await off.aclose()


@pytest.mark.parametrize(
    "content",
    [
        b'\xef\xbb\xbf{"total": 0, "stages": []}',
        b'<br />\n<b>Deprecated</b>: something in <b>/var/www/x.php</b> on line <b>3</b><br />\n{"total": 0, "stages": []}',
    ],
)
async def test_bom_and_php_notices_before_json_are_tolerated(client, recorder, content):
    recorder.responses.append(httpx.Response(200, content=content, headers={"Mautic-Version": "5.1.0"}))
    page = await client.list_stages()
    assert page.total == 0
    assert client.server_version == "5.1.0"


@pytest.mark.parametrize("content", [b"<html>{\"a\": 1} trailing</html>", b"not json", b"{\"total\": 0"])
async def test_text_around_json_is_still_bad_response(client, recorder, content):
    recorder.responses.append(httpx.Response(200, content=content))
    with pytest.raises(BadResponse):
        await client.list_stages()
    assert client.server_version is None
