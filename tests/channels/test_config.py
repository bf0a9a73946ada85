"""The channel keys of an agency and the [smtp] table are validated like the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, default_config_text, parse_config

WASTE = 'id = "sadc-waste"\n'
SMTP = """
[smtp]
host = "127.0.0.1"
port = 2525
starttls = false
username = "bot"
password_env = "SMTP_PASSWORD"
sender = "safetybot@example.org"
"""


def with_waste(keys: str, extra: str = "") -> str:
    """The shipped config with ``keys`` added to the waste agency and ``extra`` at the end."""
    text = default_config_text()
    assert WASTE in text
    return text.replace(WASTE, WASTE + keys, 1) + extra


def problems(text: str) -> list[str]:
    """The problems found in ``text``."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, base_dir=Path("."))
    return [str(p) for p in caught.value.problems]


def test_channels_are_optional_and_parsed() -> None:
    """An agency may add e-mail and a webhook; Telegram stays, and others have neither."""
    text = with_waste(
        'email = "waste@example.org"\n'
        'webhook_url = "https://backoffice.example.org/open311"\n'
        'webhook_secret_env = "WASTE_HOOK"\n',
        SMTP,
    )
    config = parse_config(text, base_dir=Path("."))
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
    assert parse_config(default_config_text(), base_dir=Path(".")).smtp is None


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
    found = problems(default_config_text() + "\n" + smtp)
    assert any(p.startswith(expected) for p in found), found
