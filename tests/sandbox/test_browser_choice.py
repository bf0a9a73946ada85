"""The sandbox opens the page only in a desktop browser where there is a desktop: the choice
is made in a fresh process each time, with the browser named by BROWSER (a script here that
notes the address it was given)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

URL = "http://127.0.0.1:8765/"


def _open(tmp_path: Path, browser: str, **desktop: str) -> bool:
    """Whether the page was opened, choosing among BROWSER with these desktop variables."""
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env.update(desktop, BROWSER=browser)
    code = f"from bot.sandbox.service import _open_browser; _open_browser({URL!r})"
    subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, check=True, timeout=60
    )  # fmt: skip
    return (tmp_path / "opened").exists()


def _recording_browser(tmp_path: Path, name: str) -> str:
    script = tmp_path / name
    script.write_text(f'#!/bin/sh\necho "$1" > {tmp_path / "opened"}\n', encoding="utf-8")
    script.chmod(0o755)
    return f"{script} %s"


@pytest.mark.parametrize("desktop", [{"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}])
def test_a_desktop_browser_opens_the_page_where_there_is_a_desktop(
    tmp_path: Path, desktop: dict[str, str]
) -> None:
    """DISPLAY or WAYLAND_DISPLAY set: the browser is given the page's address."""
    assert _open(tmp_path, _recording_browser(tmp_path, "desktop-browser"), **desktop)
    assert (tmp_path / "opened").read_text(encoding="utf-8").strip() == URL


def test_no_browser_opens_without_a_desktop(tmp_path: Path) -> None:
    """Neither variable set: nothing is opened."""
    assert not _open(tmp_path, _recording_browser(tmp_path, "desktop-browser"))


def test_a_terminal_browser_is_never_used(tmp_path: Path) -> None:
    """A terminal browser (here a script called lynx) is not started, even with a desktop."""
    assert not _open(tmp_path, _recording_browser(tmp_path, "lynx"), DISPLAY=":0")
