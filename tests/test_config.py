"""Settings resolution: flags > env > config-file profile > embedded sandbox; config file validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from stages_tui.config import (
    BINDING_IDS,
    ConfigError,
    Settings,
    config_path,
    data_dir,
    load_config_file,
    resolve_settings,
)

PROFILES = """\
default_profile = "prod"
page_size = 40
theme = "nord"

[keys]
next-page = "],right"

[profiles.prod]
url = "https://mautic.example.com/"
user = "admin"
secret = "env:PROD_PW"

[profiles.staging]
url = "https://staging.example.com"
auth = "oauth2"
client_id = "1_abc"
page_size = 100
theme = "gruvbox"
verify_tls = false
secret = "prompt"

[profiles.staging.keys]
reload = "r,f5"
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment pointing config and data at a temp dir (never the real home)."""
    return {
        "STAGES_TUI_CONFIG": str(tmp_path / "config.toml"),
        "STAGES_TUI_DATA_DIR": str(tmp_path / "data"),
    }


def write_config(env: dict[str, str], text: str) -> Path:
    path = Path(env["STAGES_TUI_CONFIG"])
    path.write_text(text)
    return path


# ------------------------------------------------------------------ discovery


def test_config_path_env_override(tmp_path):
    assert config_path({"STAGES_TUI_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"


def test_config_path_default_is_platform_config_dir():
    from platformdirs import user_config_path

    assert config_path({}) == user_config_path("stages-tui") / "config.toml"


def test_data_dir_env_override(tmp_path):
    assert data_dir({"STAGES_TUI_DATA_DIR": str(tmp_path)}) == tmp_path


# ------------------------------------------------------------------ resolution order


def test_no_configuration_means_sandbox_in_data_dir(env, tmp_path):
    settings = resolve_settings({}, env=env)
    assert settings.is_sandbox and settings.auth_kind == "sandbox"
    assert settings.url is None
    assert settings.sandbox_db == tmp_path / "data" / "sandbox.db"
    assert settings.page_size == 30 and settings.theme == "textual-dark"
    assert "sandbox" in settings.connection_label
    assert "--url URL --user NAME" in settings.sandbox_notice


def test_default_profile_from_file(env):
    write_config(env, PROFILES)
    settings = resolve_settings({}, env={**env, "PROD_PW": "pw-from-env"})
    assert settings.profile == "prod"
    assert settings.auth_kind == "basic"
    assert settings.url == "https://mautic.example.com"  # trailing slash dropped
    assert settings.user == "admin"
    assert settings.password.get_secret_value() == "pw-from-env"
    assert settings.page_size == 40 and settings.theme == "nord"  # file-level defaults
    assert settings.keymap == {"next-page": "right_square_bracket,right"}


def test_named_profile_overrides_file_defaults(env):
    write_config(env, PROFILES)
    settings = resolve_settings({"profile": "staging"}, env=env)
    assert settings.auth_kind == "oauth2" and settings.client_id == "1_abc"
    assert settings.page_size == 100 and settings.theme == "gruvbox"
    assert settings.verify_tls is False
    assert settings.keymap == {"next-page": "right_square_bracket,right", "reload": "r,f5"}
    assert settings.secret_source == "prompt" and not settings.has_secret


def test_prompt_source_ignores_env_secret(env):
    write_config(env, PROFILES)
    settings = resolve_settings({"profile": "staging"}, env={**env, "MAUTIC_CLIENT_SECRET": "s"})
    assert settings.client_secret is None


def test_env_beats_profile_and_flags_beat_env(env):
    write_config(env, PROFILES)
    env = {**env, "STAGES_TUI_PAGE_SIZE": "50", "STAGES_TUI_THEME": "dracula", "MAUTIC_USER": "envuser"}
    settings = resolve_settings({}, env=env)
    assert (settings.page_size, settings.theme, settings.user) == (50, "dracula", "envuser")
    settings = resolve_settings({"page_size": "60", "theme": "monokai", "user": "flaguser"}, env=env)
    assert (settings.page_size, settings.theme, settings.user) == (60, "monokai", "flaguser")


def test_env_identity_never_switches_a_profiles_auth_kind(env):
    write_config(env, PROFILES)
    settings = resolve_settings({"profile": "staging"}, env={**env, "MAUTIC_USER": "someone"})
    assert settings.auth_kind == "oauth2" and settings.client_id == "1_abc" and settings.user is None
    settings = resolve_settings({"profile": "staging"}, env={**env, "MAUTIC_CLIENT_ID": "2_env"})
    assert settings.client_id == "2_env"  # env beats the profile within its kind


def test_user_flag_on_an_oauth2_profile_uses_basic_with_the_default_password_env(env):
    write_config(env, PROFILES)
    settings = resolve_settings({"profile": "staging", "user": "bob"}, env={**env, "MAUTIC_PASSWORD": "pw"})
    assert (settings.auth_kind, settings.user, settings.client_id) == ("basic", "bob", None)
    assert settings.secret_source == "env:MAUTIC_PASSWORD"  # not the profile's client-secret source
    assert settings.password.get_secret_value() == "pw"
    assert settings.url == "https://staging.example.com"


def test_profile_env_var_selects_profile(env):
    write_config(env, PROFILES)
    assert resolve_settings({}, env={**env, "STAGES_TUI_PROFILE": "staging"}).profile == "staging"


def test_url_flag_skips_default_profile(env):
    write_config(env, PROFILES)
    settings = resolve_settings({"url": "https://other.example.com", "user": "bob"}, env=env)
    assert settings.profile is None
    assert settings.url == "https://other.example.com" and settings.user == "bob"
    assert settings.secret_source == "env:MAUTIC_PASSWORD"


def test_url_flag_overrides_named_profile_url(env):
    write_config(env, PROFILES)
    settings = resolve_settings({"profile": "prod", "url": "https://x.example.com"}, env=env)
    assert settings.url == "https://x.example.com" and settings.user == "admin"


def test_sandbox_flag_beats_default_profile(env):
    write_config(env, PROFILES)
    assert resolve_settings({"sandbox": True}, env=env).is_sandbox


def test_env_url_and_user_connect_with_basic_auth(env):
    settings = resolve_settings(
        {}, env={**env, "MAUTIC_URL": "http://127.0.0.1:8080", "MAUTIC_USER": "u", "MAUTIC_PASSWORD": "p"}
    )
    assert settings.auth_kind == "basic" and settings.password.get_secret_value() == "p"


def test_client_id_flag_means_oauth2_with_secret_from_env(env):
    settings = resolve_settings(
        {"url": "https://m.example.com", "client_id": "1_x"}, env={**env, "MAUTIC_CLIENT_SECRET": "shh"}
    )
    assert settings.auth_kind == "oauth2" and settings.user is None
    assert settings.client_secret.get_secret_value() == "shh"
    assert settings.password is None


def test_missing_password_is_left_for_the_prompt(env):
    settings = resolve_settings({"url": "https://m.example.com", "user": "u"}, env=env)
    assert not settings.has_secret and settings.secret_name == "password"
    assert settings.with_secret("typed").password.get_secret_value() == "typed"


def test_insecure_flag(env):
    settings = resolve_settings({"url": "https://m.example.com", "user": "u", "insecure": True}, env=env)
    assert settings.verify_tls is False


def test_sandbox_db_flag_and_fresh(env, tmp_path):
    settings = resolve_settings({"sandbox_db": str(tmp_path / "x.db"), "fresh": True}, env=env)
    assert settings.sandbox_db == tmp_path / "x.db" and settings.fresh


# ------------------------------------------------------------------ errors name their source


@pytest.mark.parametrize(
    ("flags", "extra_env", "message"),
    [
        ({"url": "ftp://m"}, {}, "--url: must be an http:// or https:// URL"),
        ({"url": "https://u:pw@m.example.com", "user": "u"}, {}, "--url: must not contain a user or password"),
        ({"url": "https://m.example.com"}, {}, "--url needs --user NAME"),
        ({"url": "https://m", "user": "u", "client_id": "c"}, {}, "exclude each other"),
        ({"page_size": "4"}, {}, "--page-size: must be an integer between 5 and 500"),
        ({"page_size": "many"}, {}, "--page-size: must be an integer between 5 and 500"),
        ({"theme": "nope"}, {}, "--theme: unknown theme 'nope'"),
        ({}, {"STAGES_TUI_PAGE_SIZE": "1000"}, "STAGES_TUI_PAGE_SIZE: must be an integer between 5 and 500"),
        ({}, {"MAUTIC_URL": "nonsense"}, "MAUTIC_URL: must be an http"),
        # Walk-through: a MAUTIC_URL left in the shell was blamed on a --url nobody typed.
        ({}, {"MAUTIC_URL": "https://m.example.com"},
         "MAUTIC_URL (https://m.example.com) needs --user NAME"),
        ({}, {"MAUTIC_URL": "https://m.example.com"}, "or --sandbox to ignore MAUTIC_URL"),
        ({"profile": "nope"}, {}, "profiles.nope: no such profile"),
        ({"sandbox": True, "url": "https://m"}, {}, "--sandbox excludes --url"),
        ({"user": "admin"}, {}, "--user needs --url URL (or --profile NAME)"),
        ({"client_id": "1_x"}, {}, "--client-id needs --url URL"),
        # Walk-through: these were ignored silently with a real Mautic.
        ({"url": "https://m", "user": "u", "fresh": True}, {"MAUTIC_PASSWORD": "pw"}, "--fresh is for the embedded sandbox"),
        ({"url": "https://m", "user": "u", "sandbox_db": "x.db"}, {"MAUTIC_PASSWORD": "pw"}, "--sandbox-db is for the embedded sandbox"),
    ],
)
def test_bad_settings_name_the_source(env, flags, extra_env, message):
    with pytest.raises(ConfigError) as info:
        resolve_settings(flags, env={**env, **extra_env})
    assert message in str(info.value)


def test_an_unknown_profile_names_where_its_name_came_from(env):
    # Walk-through: a default_profile naming no profile, or a STAGES_TUI_PROFILE left in the
    # shell, was reported as "profiles.prod: no such profile", naming neither.
    path = write_config(env, 'default_profile = "prod"\n[profiles.staging]\nurl = "https://s.example"\nuser = "u"\n')
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, env=env)
    assert str(info.value) == (
        f"config error in {path}: default_profile: no such profile 'prod' (staging)")
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, env={**env, "STAGES_TUI_PROFILE": "qa"})
    assert str(info.value) == f"STAGES_TUI_PROFILE: no such profile 'qa' in {path} (staging)"


def test_missing_file_with_profile_says_so(env):
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_settings({"profile": "prod"}, env=env)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[profiles.prod]\nurl = "https://m"\nuser = "a"\npage_size = 1000\n',
         "profiles.prod.page_size: must be an integer between 5 and 500"),
        ('page_size = "lots"\n', "page_size: must be an integer between 5 and 500"),
        ('[profiles.prod]\nurl = "https://m"\nauth = "oauth2"\n', 'profiles.prod.client_id: required when auth = "oauth2"'),
        ('[profiles.prod]\nurl = "https://m"\n', 'profiles.prod.user: required when auth = "basic"'),
        ('[profiles.prod]\nuser = "a"\n', "profiles.prod.url: required"),
        ('[profiles.prod]\nurl = "https://m"\nuser = "a"\nauth = "token"\n', 'profiles.prod.auth: must be "basic" or "oauth2"'),
        ('[profiles.prod]\nurl = "https://m"\nuser = "a"\npasword = "x"\n', "profiles.prod.pasword: unknown field"),
        ('[profiles.prod]\nurl = "https://m"\nuser = "a"\nsecret = "keyring"\n', 'profiles.prod.secret: must be "prompt" or "env:'),
        ('[profiles.prod]\nurl = "https://m"\nuser = "a"\nverify_tls = "no"\n', "profiles.prod.verify_tls: must be true or false"),
        ('[keys]\nnxt-page = "n"\n', "keys.nxt-page: unknown binding id"),
        ('[keys]\nnext-page = "ctrl + n"\n', "keys.next-page: must be keys separated by commas"),
        ('[keys]\nnext-page = "n,,m"\n', "keys.next-page: empty key in 'n,,m'"),
        ('theme = "paisley"\n', "theme: unknown theme 'paisley'"),
        ("page_size = [\n", "not valid TOML"),
    ],
)
def test_bad_config_file_names_file_and_field(env, text, where):
    path = write_config(env, text)
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, env=env)
    assert str(info.value).startswith(f"config error in {path}: ")
    assert where in str(info.value)


def test_missing_config_file_is_empty_config(tmp_path):
    assert load_config_file(tmp_path / "absent.toml").profiles == {}


def test_punctuation_keys_become_textual_key_names(env):
    write_config(env, '[keys]\nnext-page = "],right"\nprev-page = "[,left"\nsearch = "/"\nhelp = "f1,?"\n')
    assert resolve_settings({}, env=env).keymap == {
        "next-page": "right_square_bracket,right",
        "prev-page": "left_square_bracket,left",
        "search": "slash",
        "help": "f1,question_mark",
    }


def test_binding_ids_are_unique_and_have_no_spaces():
    assert len(set(BINDING_IDS)) == len(BINDING_IDS)
    assert all(" " not in b for b in BINDING_IDS)


# ------------------------------------------------------------------ secrets stay secret


def test_settings_repr_and_dump_hide_secrets(env):
    settings = resolve_settings(
        {"url": "https://m.example.com", "user": "u"}, env={**env, "MAUTIC_PASSWORD": "hunter2-secret"}
    )
    assert settings.password.get_secret_value() == "hunter2-secret"
    for text in (repr(settings), str(settings), settings.model_dump_json(), settings.connection_label):
        assert "hunter2-secret" not in text


def test_settings_defaults_are_valid():
    settings = Settings()
    assert settings.is_sandbox and settings.page_size == 30


def test_readme_sample_config_is_valid(tmp_path):
    """The README's sample config must load as documented."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "config.toml"
    path.write_text(block)
    config = load_config_file(path)
    assert set(config.profiles) == {"prod", "staging"}
    settings = resolve_settings({}, env={"STAGES_TUI_CONFIG": str(path), "MAUTIC_PROD_PASSWORD": "x"})
    assert settings.profile == "prod" and settings.has_secret
