"""build_client: the embedded sandbox on a seeded SQLite file (first run, reuse, --fresh) and real-Mautic auth."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from stages_tui.api import BasicAuth, MauticClient, OAuth2ClientCredentials, StageDraft
from stages_tui.config import ConfigError, Settings, build_client, prepare_sandbox_db, resolve_settings

SECRET = "hunter2-do-not-print"


def stage_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM stages ORDER BY id")]


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory) -> Path:
    """One seeded database for the module; tests copy it instead of seeding again."""
    path = tmp_path_factory.mktemp("template") / "sandbox.db"
    prepare_sandbox_db(path, contacts=50)
    return path


def sandbox_settings(tmp_path: Path, **update) -> Settings:
    settings = resolve_settings({}, env={"STAGES_TUI_DATA_DIR": str(tmp_path / "data"),
                                         "STAGES_TUI_CONFIG": str(tmp_path / "none.toml")})
    return settings.model_copy(update=update)


async def test_first_run_seeds_the_data_dir_and_serves_over_asgi(tmp_path):
    settings = sandbox_settings(tmp_path)
    assert settings.sandbox_db == tmp_path / "data" / "sandbox.db"
    assert not settings.sandbox_db.exists()
    client = build_client(settings)
    assert settings.sandbox_db.exists()
    assert not list((tmp_path / "data").glob("*.seeding*"))  # the temp file was renamed into place
    async with client:
        page = await client.list_stages(limit=100)
        contacts = await client.list_contacts(limit=1)
    assert page.total == len(page.items) > 0
    assert contacts.total == 2000


async def test_edits_persist_between_runs_and_fresh_reseeds(tmp_path, seeded_template):
    db = tmp_path / "sandbox.db"
    db.write_bytes(seeded_template.read_bytes())
    seeded = stage_names(db)

    async with build_client(sandbox_settings(tmp_path, sandbox_db=db)) as client:
        await client.create_stage(StageDraft(name="Kept between runs", weight=1))
    assert stage_names(db) == [*seeded, "Kept between runs"]

    # Reopening without --fresh keeps the edit (no reseed on top of existing data).
    async with build_client(sandbox_settings(tmp_path, sandbox_db=db)) as client:
        assert any(s.name == "Kept between runs" for s in (await client.list_stages(limit=100)).items)

    async with build_client(sandbox_settings(tmp_path, sandbox_db=db, fresh=True)) as client:
        names = [s.name for s in (await client.list_stages(limit=100)).items]
    assert names == seeded
    assert stage_names(db) == seeded


def test_fresh_on_missing_db_just_seeds(tmp_path):
    db = tmp_path / "nested" / "dir" / "sandbox.db"
    prepare_sandbox_db(db, fresh=True, contacts=5)
    assert stage_names(db)


def test_a_leftover_half_seeded_file_is_ignored(tmp_path):
    db = tmp_path / "sandbox.db"
    (tmp_path / "sandbox.db.seeding").write_bytes(b"not a database")
    prepare_sandbox_db(db, contacts=5)
    assert stage_names(db)


def test_sandbox_latency_and_throwaway_password_reach_the_sandbox(tmp_path, seeded_template):
    db = tmp_path / "sandbox.db"
    db.write_bytes(seeded_template.read_bytes())
    one = build_client(sandbox_settings(tmp_path, sandbox_db=db, sandbox_latency=0.4))
    two = build_client(sandbox_settings(tmp_path, sandbox_db=db))
    config = one._http._transport.app.state.config
    assert config.latency == 0.4 and config.db_path == str(db)
    # In-process only: each run gets its own password, never the empty default.
    other = two._http._transport.app.state.config
    assert config.password and other.password and config.password != other.password


def test_real_mautic_basic_auth_client(tmp_path):
    settings = resolve_settings(
        {"url": "https://mautic.example.com/index.php", "user": "admin", "insecure": True},
        env={"STAGES_TUI_CONFIG": str(tmp_path / "none.toml"), "MAUTIC_PASSWORD": SECRET},
    )
    client = build_client(settings)
    http: httpx.AsyncClient = client._http
    assert isinstance(client, MauticClient) and isinstance(http.auth, BasicAuth)
    assert str(http.base_url).startswith("https://mautic.example.com/index.php")
    assert SECRET not in repr(http.auth) and SECRET not in repr(settings)


def test_real_mautic_oauth2_client(tmp_path):
    settings = resolve_settings(
        {"url": "https://mautic.example.com", "client_id": "1_abc"},
        env={"STAGES_TUI_CONFIG": str(tmp_path / "none.toml"), "MAUTIC_CLIENT_SECRET": SECRET},
    )
    client = build_client(settings)
    assert isinstance(client._http.auth, OAuth2ClientCredentials)
    assert client._http.auth.client_id == "1_abc"
    assert SECRET not in repr(client._http.auth)


async def test_basic_auth_settings_reach_a_real_server_shape(tmp_path, seeded_template):
    """Settings for a 'real' Mautic (the sandbox app with a known password) authenticate with it."""
    from stages_tui.sandbox.app import SandboxConfig, create_app

    db = tmp_path / "sandbox.db"
    db.write_bytes(seeded_template.read_bytes())
    app = create_app(SandboxConfig(db_path=str(db), user="admin", password=SECRET))
    settings = resolve_settings(
        {"url": "http://sandbox", "user": "admin"},
        env={"STAGES_TUI_CONFIG": str(tmp_path / "none.toml"), "MAUTIC_PASSWORD": SECRET},
    )
    client = build_client(settings)
    client._http._transport = httpx.ASGITransport(app=app)  # the URL is not on the network
    async with client:
        assert (await client.get_stage(1)).id == 1


def test_real_mautic_without_secret_refuses(tmp_path):
    settings = resolve_settings(
        {"url": "https://mautic.example.com", "user": "admin"},
        env={"STAGES_TUI_CONFIG": str(tmp_path / "none.toml")},
    )
    with pytest.raises(ConfigError, match="no password given for https://mautic.example.com as admin"):
        build_client(settings)


def test_a_corrupt_sandbox_file_is_a_config_error_suggesting_fresh(tmp_path):
    db = tmp_path / "sandbox.db"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match=r"cannot open the sandbox database .*--fresh starts over"):
        build_client(sandbox_settings(tmp_path, sandbox_db=db))
    build_client(sandbox_settings(tmp_path, sandbox_db=db, fresh=True))  # and --fresh does fix it
    assert stage_names(db)


def test_an_unwritable_data_dir_is_a_config_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the data dir should be")
    with pytest.raises(ConfigError, match="cannot open the sandbox database"):
        build_client(sandbox_settings(tmp_path, sandbox_db=blocker / "sandbox.db"))
