"""`stages-tui move EMAIL_OR_ID STAGE`: resolution, exit codes and messages."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent / "tui"))
from contacts_fixtures import Sandbox  # noqa: E402

from stages_tui import cli  # noqa: E402
from stages_tui.api import BasicAuth, MauticClient  # noqa: E402
from stages_tui.move_cli import run_move  # noqa: E402


async def move(client, contact: str, stage: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_move(client, contact, stage, out, err)
    return code, out.getvalue().strip(), err.getvalue().strip()


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


async def test_by_email_and_stage_name_any_case(sandbox):
    code, out, err = await move(sandbox.client, "PERSON20@Example.test", "customer")
    assert (code, out, err) == (0, "moved Person20 Tester20 (#20) to Customer (#3)", "")
    assert sandbox.stage_of(20) == 3


async def test_by_ids_says_where_the_contact_came_from(sandbox):
    code, out, _ = await move(sandbox.client, "1", "2")
    assert (code, out) == (0, "moved Person01 Tester01 (#1) from Lead to Qualified (#2)")
    assert sandbox.stage_of(1) == 2


async def test_an_anonymous_contact_is_named_by_its_id_once(sandbox):
    sandbox.conn.execute("INSERT INTO leads (id) VALUES (300)")
    sandbox.conn.commit()
    assert await move(sandbox.client, "300", "Lead") == (0, "moved #300 to Lead (#1)", "")


async def test_already_in_the_stage_is_success_without_a_request(sandbox):
    code, out, _ = await move(sandbox.client, "2", "Lead")
    assert (code, out) == (0, "Person02 Tester02 (#2) is already in Lead (#1)")
    assert sandbox.transport.moves() == []


async def test_email_must_match_exactly_not_as_a_prefix(sandbox):
    sandbox.conn.execute("INSERT INTO leads (id, firstname, email) VALUES (100, 'Short', 'a@b.co')")
    sandbox.conn.execute("INSERT INTO leads (id, firstname, email) VALUES (101, 'Long', 'a@b.com')")
    sandbox.conn.commit()
    code, out, _ = await move(sandbox.client, "a@b.co", "Lead")
    assert code == 0 and "(#100)" in out
    assert sandbox.stage_of(100) == 1 and sandbox.stage_of(101) is None


async def test_unknown_contact_or_stage_exits_1_with_a_clear_message(sandbox):
    assert await move(sandbox.client, "nobody@example.test", "Lead") == (
        1, "", "stages-tui move: no contact with email nobody@example.test")
    assert await move(sandbox.client, "999", "Lead") == (1, "", "stages-tui move: no contact with id 999")
    assert await move(sandbox.client, "1", "Nowhere") == (
        1, "", "stages-tui move: no stage with id or name 'Nowhere'")
    # Walk-through: `move x Lead` on the demo data (Engaged Lead, Sales Qualified Lead, …)
    # only said "no stage"; stage names are exact, so name the near ones.
    assert await move(sandbox.client, "1", "qual") == (
        1, "", "stages-tui move: no stage with id or name 'qual' (did you mean 'Qualified' (#2)?)")
    assert await move(sandbox.client, "someone", "Lead") == (
        1, "", "stages-tui move: 'someone' is neither a contact id nor an email address")


async def test_ambiguous_names_and_emails_exit_1_listing_the_ids(sandbox):
    sandbox.conn.execute("INSERT INTO stages (id, name, weight) VALUES (7, 'lead', 0)")
    sandbox.conn.execute("INSERT INTO leads (id, email) VALUES (200, 'person03@example.test')")
    sandbox.conn.commit()
    code, _, err = await move(sandbox.client, "4", "LEAD")
    assert code == 1 and err == "stages-tui move: 2 stages are named 'LEAD' (ids 1, 7); give the id instead"
    code, _, err = await move(sandbox.client, "person03@example.test", "1")
    assert code == 1 and "2 contacts have email person03@example.test (ids 3, 200)" in err
    assert sandbox.transport.moves() == []


async def test_mauticss_refusal_is_reported_with_its_message(sandbox):
    wrong = MauticClient("http://sandbox", auth=BasicAuth("admin", "wrong-password"),
                         transport=httpx.ASGITransport(app=sandbox.app))
    code, out, err = await move(wrong, "1", "2")
    assert code == 1 and out == ""
    assert err.startswith("stages-tui move: Authentication failed: ")
    assert "wrong-password" not in err


@pytest.mark.parametrize("answer", [
    httpx.Response(404, text="<h1>File not found</h1>"),  # not Mautic at all (python -m http.server)
    httpx.Response(404, json={"errors": [  # Mautic's catch-all route: the base URL is wrong
        {"message": "Requested URL not found: /mautic/api/contacts/5", "code": 404, "type": None}]}),
])
async def test_a_404_from_a_wrong_base_url_is_not_reported_as_no_such_contact(answer):
    # Walk-through: `move 5 7 --url http://127.0.0.1:8954` (a plain web server) said
    # "no contact with id 5", sending the user after the contact instead of the URL.
    client = MauticClient("http://example.test/mautic", auth=BasicAuth("admin", "pw"),
                          transport=httpx.MockTransport(lambda request: answer), retries=0)
    async with client:
        code, out, err = await move(client, "5", "7")
    assert code == 1 and out == ""
    assert "no contact" not in err and err.startswith("stages-tui move: Not found: ")


def test_the_command_line_moves_a_contact_in_the_embedded_sandbox(isolated_env, capsys):
    db = isolated_env / "sandbox.db"
    from stages_tui.config import prepare_sandbox_db

    prepare_sandbox_db(db, contacts=200)
    conn = sqlite3.connect(db)
    contact_id, email = conn.execute(
        "SELECT id, email FROM leads WHERE stage_id IS NULL AND email IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    stage_id, stage_name = conn.execute("SELECT id, name FROM stages ORDER BY id LIMIT 1").fetchone()
    conn.close()
    code = cli.main(["move", "--sandbox-db", str(db), email.upper(), stage_name.lower()])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith("moved ") and out.rstrip().endswith(f"(#{stage_id})")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT stage_id FROM leads WHERE id = ?", (contact_id,)).fetchone()[0] == stage_id
    conn.close()


def test_missing_arguments_exit_2(isolated_env, capsys):
    assert cli.main(["move", "only-one"]) == 2
    assert "the following arguments are required: STAGE" in capsys.readouterr().err


def test_help_gives_the_exit_codes_scripts_rely_on(isolated_env, capsys):
    assert cli.main(["move", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "exit status: 0 the contact is in the stage (moved now, or already there);" in out
    assert "1 not moved (the reason on stderr); 2 bad flags or configuration" in out


async def test_server_text_cannot_smuggle_terminal_escapes_into_the_output(sandbox):
    sandbox.conn.execute("UPDATE leads SET firstname = ? WHERE id = 30", ("Eve\x1b]0;pwned\x07\x1b[31m",))
    sandbox.conn.execute("UPDATE stages SET name = ? WHERE id = 2", ("Qual\x1b[2Jified",))
    sandbox.conn.commit()
    code, out, _ = await move(sandbox.client, "30", "2")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert out == "moved Eve Tester30 (#30) to Qualified (#2)"
