"""Configuration loading and validation."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from bot.config import (
    ConfigError,
    config_from_data,
    default_config_data,
    default_config_text,
    load_config,
    parse_config,
    read_token,
)
from tests.support.configs import agency_data, write_config_data

REPO = Path(__file__).resolve().parents[2]

BROKEN = """
[partnership]
name = 1
area_name = "Somewhere"
timezon = "Europe/London"

[telegram]
api_url = "ftp://example.org"
mode = "webhook"

[admins]
user_ids = ["alice"]

[[agencies]]
id = "Waste Team"
name = "Waste"
chat_id = "-100123"

[[agencies]]
id = "police"
name = "Police"
chat_id = -5

[[agencies]]
id = "police"
name = "Police again"
chat_id = -5

[[categories]]
id = "fly-tipping"
name = "Fly tipping"
description = "Dumped rubbish"
agencies = ["council", "police"]
sensitive = "yes"
"""

EXPECTED_PROBLEMS = [
    ("partnership.name", "expected text in quotes, got 1"),
    ("partnership.timezon", "is not a known key"),
    ("telegram.api_url", "http:// or https://"),
    ("admins.user_ids[0]", "expected a whole number, got 'alice'"),
    ("geography", "is required but missing"),
    ('agencies[0] (id "Waste Team").id', "expected an id of lower-case letters"),
    ('agencies[0] (id "Waste Team").chat_id', "expected a whole number, got '-100123'"),
    ('categories[0] (id "fly-tipping").sensitive', "expected true or false"),
    ("telegram.webhook.public_url", "is required when telegram.mode is"),
    ("agencies[2].id", 'duplicate id "police"'),
    ("agencies[2].chat_id", "each agency needs its own group chat"),
    ("categories[0].agencies[0]", 'no agency has id "council"'),
]


def test_shipped_default_is_valid_and_is_the_root_config() -> None:
    """The built-in St Albans configuration validates, and ./config.toml is that same file."""
    config = parse_config(default_config_text(), base_dir=Path("/srv"))
    assert config.partnership.area_name == "St Albans City & District"
    assert {c.id for c in config.categories} >= {"fly-tipping", "graffiti", "hate-incident", "asb"}
    assert config.storage.database == Path("/srv/safetybot.sqlite3")
    assert (REPO / "config.toml").read_text() == default_config_text()


def test_every_problem_is_reported_at_once() -> None:
    """A file with many mistakes lists each one with its key path, and only those."""
    with pytest.raises(ConfigError) as caught:
        parse_config(BROKEN, base_dir=Path("."))
    rendered = [str(p) for p in caught.value.problems]
    for path, message in EXPECTED_PROBLEMS:
        assert any(r.startswith(f"{path}: ") and message in r for r in rendered), (path, rendered)
    assert len(rendered) == len(EXPECTED_PROBLEMS), rendered


def test_unknown_key_names_the_known_ones() -> None:
    """A typo in a key is answered with the keys that table accepts."""
    data = default_config_data()
    waste = agency_data(data, "sadc-waste")
    waste["chatid"] = waste.pop("chat_id")
    with pytest.raises(ConfigError) as caught:
        config_from_data(data, base_dir=Path("."))
    messages = [str(p) for p in caught.value.problems]
    assert any('agencies[0] (id "sadc-waste").chatid: is not a known key' in m for m in messages)
    assert any("expected one of: id, name, chat_id, officers" in m for m in messages)
    assert any(
        'agencies[0] (id "sadc-waste").chat_id: is required but missing' in m for m in messages
    )


def test_toml_syntax_error_is_one_clear_problem() -> None:
    """Broken TOML is reported with where it broke, not a traceback."""
    with pytest.raises(ConfigError) as caught:
        parse_config("[partnership\nname = 'x'", base_dir=Path("."))
    assert "not valid TOML" in str(caught.value)
    assert "line 1" in str(caught.value)


def test_relative_database_resolves_against_the_config_folder(tmp_path: Path) -> None:
    """A relative database path is taken from the config file's folder, not the current one."""
    folder = tmp_path / "partnership"
    folder.mkdir()
    data = default_config_data()
    data["storage"]["database"] = "data/bot.db"
    (folder / "mine.toml").write_text(tomli_w.dumps(data))
    loaded = load_config(folder / "mine.toml")
    assert loaded.config.storage.database == folder / "data" / "bot.db"


def test_no_config_file_means_the_shipped_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --config and without ./config.toml, the built-in configuration is used."""
    monkeypatch.chdir(tmp_path)
    loaded = load_config(None)
    assert loaded.source == "default"
    assert loaded.config.storage.database == tmp_path / "safetybot.sqlite3"


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    """Naming a file that does not exist is reported as a problem with that file."""
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    assert "cannot read the file" in str(caught.value)


def test_token_comes_from_the_environment_and_stays_secret() -> None:
    """The token is read from SAFETYBOT_TOKEN and never shown in a repr."""
    token = read_token({"SAFETYBOT_TOKEN": " 123:secret-value "})
    assert token is not None
    assert token.get_secret_value() == "123:secret-value"
    assert "secret-value" not in repr(token)
    assert read_token({}) is None


def _safetybot(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_check_config_command_lists_every_problem(tmp_path: Path) -> None:
    """`safetybot check-config` exits 2 listing every problem, and 0 with `ok` on a good file."""
    (tmp_path / "broken.toml").write_text(BROKEN)
    result = _safetybot("check-config", "--config", "broken.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{len(EXPECTED_PROBLEMS)} problem(s)" in result.stderr
    for path, _ in EXPECTED_PROBLEMS:
        assert f"  - {path}: " in result.stderr
    before = _safetybot("--config", "broken.toml", "check-config", cwd=tmp_path)
    assert before.returncode == 2  # --config before the command counts as much as after it
    good = _safetybot("check-config", "--config", str(REPO / "config.toml"), cwd=tmp_path)
    assert (good.returncode, good.stdout.strip()) == (0, "ok")


@pytest.mark.parametrize(
    ("setting", "content", "problem"),
    [
        ('postcodes = "missing.csv"', None, "cannot read the postcodes"),
        (
            'postcodes = "units.csv"',
            "postcode,latitude,longitude,district\nAL1 1AA,51.7,-0.3,E0700024\n",
            "line 2: district 'E0700024'",
        ),
        ('gazetteer = "places.csv"', "name,kind\n", "missing column(s)"),
    ],
)
def test_broken_geography_files_are_named_by_check_config_and_run(
    tmp_path: Path, setting: str, content: str | None, problem: str
) -> None:
    """A missing or broken data file is a clear problem for check-config and run, no traceback."""
    data = tomllib.loads((REPO / "config.toml").read_text(encoding="utf-8"))
    data["geography"].update(tomllib.loads(setting))
    write_config_data(tmp_path, data)
    if content is not None:
        (tmp_path / setting.split('"')[1]).write_text(content, encoding="utf-8")
    checked = _safetybot("check-config", cwd=tmp_path)
    env = {"PATH": "/usr/bin:/bin", "SAFETYBOT_TOKEN": "1:token"}
    ran = _safetybot("run", "--config", "config.toml", cwd=tmp_path, env=env)
    for result in (checked, ran):
        assert result.returncode == 2, result.stderr
        assert "a [geography] file cannot be used" in result.stderr
        assert problem in result.stderr
        assert "Traceback" not in result.stderr


def test_run_without_token_points_to_the_sandbox(tmp_path: Path) -> None:
    """`safetybot run` without a token exits 2 with a clear message, not a traceback."""
    result = _safetybot("run", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "SAFETYBOT_TOKEN" in result.stderr
    assert "safetybot sandbox" in result.stderr
    assert "Traceback" not in result.stderr
