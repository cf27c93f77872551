"""The command line: subcommands, one-line exit-2 errors, secret prompting, secrets never printed."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from stages_tui import __version__, cli
from stages_tui.config import ConfigError

SECRET = "hunter2-do-not-print"


# Every test here runs with config and data in a temp dir (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated_env")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_path_prints_the_discovered_path(capsys, isolated_env):
    code, out, err = run(capsys, "config", "path")
    assert (code, out.strip(), err) == (0, str(isolated_env / "config.toml"), "")


def test_config_path_works_even_when_the_file_is_broken(capsys, isolated_env):
    (isolated_env / "config.toml").write_text("page_size = [")
    assert run(capsys, "config", "path")[0] == 0


def test_config_sample_is_a_valid_config(capsys, isolated_env, monkeypatch):
    code, out, _ = run(capsys, "config", "sample")
    assert code == 0 and "[profiles.prod]" in out
    (isolated_env / "config.toml").write_text(out)
    monkeypatch.setenv("MAUTIC_PROD_PASSWORD", SECRET)
    code, out, err = run(capsys, "config", "check")
    assert code == 0, err
    assert "https://mautic.example.com as admin" in out
    assert "password:    env:MAUTIC_PROD_PASSWORD (set)" in out
    assert "next-page=right_square_bracket,right" in out
    assert SECRET not in out + err


def test_config_check_takes_connection_flags(capsys, isolated_env):
    (isolated_env / "config.toml").write_text(
        '[profiles.st]\nurl = "https://st.example.com"\nauth = "oauth2"\nclient_id = "1_x"\nsecret = "prompt"\n'
    )
    code, out, err = run(capsys, "config", "check", "--profile", "st")
    assert code == 0, err
    assert "connection:  https://st.example.com as OAuth2 client 1_x" in out
    assert "client secret: prompt (missing: will be asked for)" in out


def test_config_check_reports_sandbox_without_a_file(capsys):
    code, out, _ = run(capsys, "config", "check")
    assert code == 0 and "(not found)" in out and "connection:  sandbox" in out


def test_bad_config_exits_2_naming_file_and_field(capsys, isolated_env):
    path = isolated_env / "config.toml"
    path.write_text('[profiles.prod]\nurl = "https://m.example.com"\nuser = "a"\npage_size = 3\n')
    code, out, err = run(capsys, "--profile", "prod")
    assert code == 2 and out == ""
    assert err == (
        f"stages-tui: config error in {path}: profiles.prod.page_size: "
        "must be an integer between 5 and 500\n"
    )


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["--url"], "argument --url: expected one argument"),
        (["--url", "https://m.example.com"], "--url needs --user NAME"),
        (["--page-size", "2"], "--page-size: must be an integer between 5 and 500"),
        (["--theme", "nope"], "--theme: unknown theme 'nope'"),
        (["--profile", "prod"], "profiles.prod: no such profile"),
        (["config"], "the following arguments are required: action"),
        (["config", "where"], "invalid choice: 'where'"),
    ],
)
def test_flag_errors_exit_2_with_one_line(capsys, argv, problem):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("stages-tui: ") and problem in err
    assert err.count("\n") == 1


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (0, f"stages-tui {__version__}")


def test_help_exits_0_and_lists_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for text in ("--url", "--user", "--client-id", "--profile", "--fresh", "config path", "sandbox serve", "move"):
        assert text in out


# ------------------------------------------------------------------ the shared connection flags


def parse(*argv: str) -> argparse.Namespace:
    return argparse.ArgumentParser(parents=[cli.connection_parser()]).parse_args(list(argv))


def test_settings_from_args_prompts_for_a_missing_password():
    prompts: list[str] = []

    def fake_getpass(text: str) -> str:
        prompts.append(text)
        return SECRET

    settings = cli.settings_from_args(
        parse("--url", "https://m.example.com", "--user", "admin"),
        env={}, prompt=fake_getpass, interactive=lambda: True,
    )
    assert settings.password.get_secret_value() == SECRET
    assert prompts == ["Password for https://m.example.com as admin: "]


def test_settings_from_args_prompts_for_oauth2_client_secret():
    settings = cli.settings_from_args(
        parse("--url", "https://m.example.com", "--client-id", "1_x"),
        env={}, prompt=lambda text: SECRET, interactive=lambda: True,
    )
    assert settings.auth_kind == "oauth2" and settings.client_secret.get_secret_value() == SECRET


def test_settings_from_args_uses_env_secret_without_prompting():
    def no_prompt(text: str) -> str:
        raise AssertionError("must not prompt")

    settings = cli.settings_from_args(
        parse("--url", "https://m.example.com", "--user", "admin"),
        env={"MAUTIC_PASSWORD": SECRET}, prompt=no_prompt, interactive=lambda: True,
    )
    assert settings.password.get_secret_value() == SECRET


def test_no_terminal_and_no_env_secret_is_a_config_error():
    with pytest.raises(ConfigError, match="set MAUTIC_PASSWORD"):
        cli.settings_from_args(
            parse("--url", "https://m.example.com", "--user", "admin"), env={}, interactive=lambda: False
        )


def test_empty_prompt_answer_is_a_config_error():
    with pytest.raises(ConfigError, match="no password given"):
        cli.settings_from_args(
            parse("--url", "https://m.example.com", "--user", "admin"),
            env={}, prompt=lambda text: "", interactive=lambda: True,
        )


def test_sandbox_needs_no_secret():
    settings = cli.settings_from_args(parse(), env={"STAGES_TUI_DATA_DIR": "/nonexistent"})
    assert settings.is_sandbox and settings.has_secret


def test_main_without_terminal_exits_2_and_never_prints_the_secret(capsys, monkeypatch, isolated_env):
    # A secret that *is* known must not leak into any error message either.
    (isolated_env / "config.toml").write_text(
        '[profiles.p]\nurl = "https://m.example.com"\nuser = "admin"\ntheme = "nope"\n'
    )
    monkeypatch.setenv("MAUTIC_PASSWORD", SECRET)
    code, out, err = run(capsys, "--profile", "p")
    assert code == 2 and "theme" in err
    assert SECRET not in out + err
    monkeypatch.delenv("MAUTIC_PASSWORD")
    (isolated_env / "config.toml").unlink()
    monkeypatch.setattr(cli, "_is_interactive", lambda: False)
    code, out, err = run(capsys, "--url", "https://m.example.com", "--user", "admin")
    assert code == 2 and "set MAUTIC_PASSWORD" in err


def test_interrupted_prompt_exits_130(capsys, monkeypatch):
    def interrupted(text: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_is_interactive", lambda: True)
    monkeypatch.setattr(cli.getpass, "getpass", interrupted)
    code, out, err = run(capsys, "--url", "https://m.example.com", "--user", "admin")
    assert code == 130 and SECRET not in out + err


def test_sandbox_command_dispatches_to_serve(monkeypatch):
    import sys
    import types

    seen: list[list[str]] = []
    fake = types.ModuleType("stages_tui.sandbox.serve")
    fake.main = lambda argv: seen.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "stages_tui.sandbox.serve", fake)
    assert cli.main(["sandbox", "serve", "--port", "9"]) == 0
    assert seen == [["serve", "--port", "9"]]


def test_move_command_dispatches_to_move_cli(monkeypatch):
    import sys
    import types

    seen: list[list[str]] = []
    fake = types.ModuleType("stages_tui.move_cli")
    fake.main = lambda argv: seen.append(argv) or 3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "stages_tui.move_cli", fake)
    assert cli.main(["move", "a@example.com", "Lead"]) == 3
    assert seen == [["a@example.com", "Lead"]]


def test_corrupt_sandbox_db_exits_2_with_a_hint(capsys, isolated_env):
    db = isolated_env / "broken.db"
    db.write_bytes(b"garbage" * 200)
    code, out, err = run(capsys, "--sandbox-db", str(db))
    assert code == 2 and out == ""
    assert err.startswith(f"stages-tui: cannot open the sandbox database {db}: ") and "--fresh" in err
    assert err.count("\n") == 1
