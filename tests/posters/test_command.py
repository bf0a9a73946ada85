"""`safetybot poster`: the username given or asked of the Bot API (the emulated one), and the
usage errors, each a clear message and exit 2 (1 where the Bot API cannot be reached)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator import EmulatorClient, EmulatorServer
from tests.posters.reading import pdf_pages, pdf_words, qr_links
from tests.support.harness import REPO, free_port, write_config

BOT = "stalbans_safety_bot"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder (so the built-in config is used) and no token."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAFETYBOT_TOKEN", raising=False)
    return tmp_path


def test_with_a_username_it_writes_the_pdf_for_every_category(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No options but the username: poster-all.pdf here, and it says what it wrote."""
    assert main(["poster", "--username", BOT]) == 0
    pdf = (folder / "poster-all.pdf").read_bytes()
    assert len(pdf_pages(pdf).pages) == 1
    assert f"t.me/{BOT}?start=report" in pdf_words(pdf)
    said = capsys.readouterr().out
    assert "poster-all.pdf" in said
    assert f"https://t.me/{BOT}?start=report" in said


def test_the_format_follows_the_file_name(folder: Path) -> None:
    """--out poster.png without --format writes a PNG whose code opens the category's link."""
    assert main(["poster", "--category", "graffiti", "--out", "g.png", "--username", BOT]) == 0
    assert qr_links((folder / "g.png").read_bytes()) == [
        f"https://t.me/{BOT}?start=report_graffiti"
    ]


def test_the_default_file_is_named_after_the_category(folder: Path) -> None:
    """--category asb --format png writes poster-asb.png."""
    assert main(["poster", "--category", "asb", "--format", "png", "--username", BOT]) == 0
    assert qr_links((folder / "poster-asb.png").read_bytes()) == [
        f"https://t.me/{BOT}?start=report_asb"
    ]


def test_without_a_token_or_a_username_it_says_how_to_name_the_bot(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No SAFETYBOT_TOKEN and no --username: a usage message (exit 2), no traceback, no file."""
    assert main(["poster"]) == 2
    said = capsys.readouterr().err
    assert "--username" in said
    assert "SAFETYBOT_TOKEN" in said
    assert "Traceback" not in said
    assert not list(folder.iterdir())


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--category", "parking"], "has no category 'parking'; its categories: fly-tipping"),
        (["--username", "not a bot"], "'not a bot' is not a Telegram username"),
        (["--format", "png", "--out", "poster.pdf"], "--format png does not match --out"),
        (["--out", "missing-folder/poster.pdf"], "Could not write missing-folder/poster.pdf"),
    ],
)
def test_a_mistake_in_the_options_is_named(
    folder: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    """An unknown category, a bad username, a format the file name contradicts, a folder that
    does not exist: each is said plainly and nothing is written."""
    status = main(["poster", "--username", BOT, *options])
    said = capsys.readouterr().err
    assert expected in said, said
    assert status == (1 if "Could not write" in expected else 2)
    assert not list(folder.iterdir())


def test_an_unknown_format_is_a_usage_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format gif is refused by the parser with the choices."""
    with pytest.raises(SystemExit) as stopped:
        main(["poster", "--format", "gif", "--username", BOT])
    assert stopped.value.code == 2
    assert "choose from 'pdf', 'png'" in capsys.readouterr().err


def test_an_unreachable_bot_api_is_a_clear_failure(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token but no Bot API at the configured address: exit 1, naming the address, and the
    way round it (--username)."""
    api_url = f"http://127.0.0.1:{free_port()}"
    config = write_config(folder, api_url)
    monkeypatch.setenv("SAFETYBOT_TOKEN", "424242:poster-token-not-a-secret")
    assert main(["poster", "--config", str(config)]) == 1
    said = capsys.readouterr().err
    assert f"Could not ask the Bot API at {api_url}" in said
    assert "--username" in said
    assert "poster-token-not-a-secret" not in said


async def _poster_command(folder: Path, token: str, *options: str) -> tuple[int, str, str]:
    """Run `python -m bot poster` as its own process while the emulator serves this loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "poster",
        *options,
        cwd=folder,
        env={**os.environ, "SAFETYBOT_TOKEN": token, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_username_is_asked_of_the_configured_bot_api(
    client: EmulatorClient, server: EmulatorServer, tmp_path: Path
) -> None:
    """With SAFETYBOT_TOKEN and no --username, the command asks getMe at [telegram] api_url
    and puts that bot's username in the code."""
    token = "515151:poster-test-token"
    await client.register_bot(token, username="harpenden_watch_bot")
    config = write_config(tmp_path, server.url)
    status, out, err = await _poster_command(
        tmp_path, token, "--config", str(config), "--category", "graffiti", "--out", "p.png"
    )
    assert status == 0, err
    assert qr_links((tmp_path / "p.png").read_bytes()) == [
        "https://t.me/harpenden_watch_bot?start=report_graffiti"
    ]
    assert token not in out + err


async def test_a_token_the_bot_api_refuses_is_a_usage_error(
    server: EmulatorServer, tmp_path: Path
) -> None:
    """A token the Bot API answers with Not Found: exit 2, and no file."""
    config = write_config(tmp_path, server.url)
    status, _, err = await _poster_command(tmp_path, "not-a-token", "--config", str(config))
    assert status == 2, err
    assert "Telegram did not accept the token in SAFETYBOT_TOKEN" in err
    assert "Traceback" not in err
    assert not (tmp_path / "poster-all.pdf").exists()
