"""The channel keys of an agency and the [smtp] table are validated like the rest."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, config_from_data, default_config_data
from tests.support.configs import agency_data

SMTP = """
[smtp]
host = "127.0.0.1"
port = 2525
starttls = false
username = "bot"
password_env = "SMTP_PASSWORD"
sender = "safetybot@example.org"
"""


def with_waste(keys: str, extra: str = "") -> dict[str, Any]:
    """The shipped config as data with the TOML ``keys`` added to the waste agency and the
    TOML tables of ``extra`` added at the top."""
    data = default_config_data()
    agency_data(data, "sadc-waste").update(tomllib.loads(keys))
    data.update(tomllib.loads(extra))
    return data


def problems(data: dict[str, Any]) -> list[str]:
    """The problems found in configuration data."""
    with pytest.raises(ConfigError) as caught:
        config_from_data(data, base_dir=Path("."))
    return [str(p) for p in caught.value.problems]


def test_channels_are_optional_and_parsed() -> None:
    """An agency may add e-mail and a webhook; Telegram stays, and others have neither."""
    data = with_waste(
        'email = "waste@example.org"\n'
        'webhook_url = "https://backoffice.example.org/open311"\n'
        'webhook_secret_env = "WASTE_HOOK"\n',
        SMTP,
    )
    config = config_from_data(data, base_dir=Path("."))
    waste = config.agency("sadc-waste")
    assert (waste.email, waste.webhook_secret_env) == ("waste@example.org", "WASTE_HOOK")
    assert waste.chat_id == -1001000000001
    assert config.smtp is not None
    assert (config.smtp.port, config.smtp.starttls, config.smtp.password_env) == (
        2525,
        False,
        "SMTP_PASSWORD",
    )
    assert config.agency("sadc-asb").email is None
    assert config_from_data(default_config_data(), base_dir=Path(".")).smtp is None


@pytest.mark.parametrize(
    ("keys", "extra", "path", "message"),
    [
        ('email = "waste@example.org"\n', "", ".email", "needs an [smtp] table"),
        ('email = "not an address"\n', SMTP, ".email", "expected an e-mail address"),
        (
            'webhook_url = "https://x.example.org/hook"\n',
            "",
            ".webhook_secret_env",
            "is required with webhook_url",
        ),
        (
            'webhook_url = "ftp://x.example.org/hook"\nwebhook_secret_env = "HOOK"\n',
            "",
            ".webhook_url",
            "an http:// or https:// address",
        ),
        (
            'webhook_url = "https://x.example.org/h"\nwebhook_secret_env = "s3cr3t value"\n',
            "",
            ".webhook_secret_env",
            "the NAME of an environment variable",
        ),
        ('webhook_secret_env = "HOOK"\n', "", ".webhook_url", "is required with"),
        ('emial = "waste@example.org"\n', "", ".emial", "email, webhook_url"),
    ],
)
def test_agency_channel_problems_name_the_key(
    keys: str, extra: str, path: str, message: str
) -> None:
    """Each mistake in an agency's channels names its key path and what was expected."""
    found = problems(with_waste(keys, extra))
    prefix = f'agencies[0] (id "sadc-waste"){path}: '
    assert any(p.startswith(prefix) and message in p for p in found), found


@pytest.mark.parametrize(
    ("smtp", "expected"),
    [
        ('[smtp]\nhost = "h"\n', "smtp.sender: is required but missing"),
        ('[smtp]\nhost = "h"\nsender = "me"\n', "smtp.sender: expected an e-mail address"),
        ('[smtp]\nhost = "h"\nsender = "a@b.org"\nport = 0\n', "smtp.port: expected"),
        ('[smtp]\nhost = "h"\nsender = "a@b.org"\nstarttls = "yes"\n', "smtp.starttls: expected"),
        ('[smtp]\nhost = "h"\nsender = "a@b.org"\nusername = "u"\n', "smtp.password_env: is"),
        ('[smtp]\nhost = "h"\nsender = "a@b.org"\npassword = "p"\n', "smtp.password: is not a"),
    ],
)
def test_smtp_problems_name_the_key(smtp: str, expected: str) -> None:
    """Mistakes in [smtp] name their key; a password in the file is not a known key."""
    found = problems({**default_config_data(), **tomllib.loads(smtp)})
    assert any(p.startswith(expected) for p in found), found
