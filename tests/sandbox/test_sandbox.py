"""`safetybot sandbox` end to end: a process on a free port in a temporary folder, driven over
HTTP as its page drives it, with the real bot as its child process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.config import default_config_data
from bot.sandbox import texts
from tests.support.configs import agency_data, write_config_data

from .page import PATIENCE, PagePerson, Sandbox, quiet_environment, running_sandbox, sandbox_argv

RESIDENT = 100_001  # the sandbox's first resident
WASTE_OFFICER = 910_001  # the St Albans default's waste enforcement officer
WASTE_CHAT = -1001000000001
SECRET_ENV = "SANDBOX_TEST_WEBHOOK_SECRET"


def _config(folder: Path, *, catchers: bool = False) -> Path:
    data: dict[str, Any] = default_config_data()
    if catchers:  # the waste team also takes e-mail and a webhook: both must stay local
        waste = agency_data(data, "sadc-waste")
        waste["email"] = "waste@example.org"
        waste["webhook_url"] = "https://backoffice.example.org/open311"
        waste["webhook_secret_env"] = SECRET_ENV
        data["smtp"] = {"host": "smtp.example.org", "port": 587, "sender": "bot@example.org"}
    return write_config_data(folder, data)


def _reference(message: dict[str, Any]) -> str:
    text = re.sub(r"<[^>]+>", "", message["html"])
    return text.split("Your reference: ")[1].split()[0]


async def _report_fly_tipping(sandbox: Sandbox) -> str:
    """A resident's fly-tipping report through the page, a gazetteer place as its location."""
    sam = PagePerson(sandbox, RESIDENT)
    await sam.say("/report", until="is anyone in danger")
    for button in ("No, nobody is in danger", "Fly tipping", "Tyres", "Done"):
        await sam.press(button)
    for button in ("A car boot load", "Park or open space", "No"):
        await sam.press(button)
    await sam.wait_for("Where is it?")
    await sam.share_place("St Albans Clock Tower", until="When did it happen")
    await sam.press("Now or just now", until="Describe what you saw")
    await sam.press("Skip", until="Photos help")
    await sam.press("No photos", until="keep you updated")
    await sam.press("Keep me updated here", until="Please check your report")
    await sam.press("Submit report", until="Your reference")
    done = await sam.wait_for("Your reference")
    return _reference(done)


async def _acknowledge(sandbox: Sandbox, ref: str) -> None:
    """The waste officer acknowledges the card in the agency's chat; the resident hears."""
    officer = PagePerson(sandbox, WASTE_OFFICER, WASTE_CHAT)
    card = await officer.wait_for(ref)
    assert any(b["text"] == "Acknowledge" for row in card["inline_keyboard"] for b in row)
    pressed = await officer.press("Acknowledge", until="Acknowledged by")
    assert pressed["ok"] is True
    await PagePerson(sandbox, RESIDENT).wait_for(f"Update on your report {ref}")


async def _unread_in_waste_chat(sandbox: Sandbox) -> dict[str, Any]:
    """The waste officer's entry for the agency's chat once the card has reached it (the
    dispatcher sends it beside the resident's confirmation, so it may come just after)."""
    deadline = time.monotonic() + PATIENCE
    while True:
        chats = await sandbox.get(f"/api/people/{WASTE_OFFICER}/chats")
        waste: dict[str, Any] = next(c for c in chats if c["chat_id"] == WASTE_CHAT)
        if waste["unread"] or time.monotonic() > deadline:
            return waste
        await asyncio.sleep(0.1)


def _file_text(path: Path) -> str:
    """The file's text once it has some (the catchers write files; no event tells of them)."""
    deadline = time.monotonic() + PATIENCE
    while not path.exists() or not path.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, f"waited for {path.name}"
        time.sleep(0.1)
    return path.read_text(encoding="utf-8")


async def _eventually_file(path: Path) -> str:
    return await asyncio.to_thread(_file_text, path)


async def test_a_resident_reports_fly_tipping_and_the_officer_acknowledges_it(
    tmp_path: Path,
) -> None:
    """Through the page's routes: the resident reports with a gazetteer place, the card reaches
    the waste team's chat (unread there), the officer's press is answered, the resident sees
    the update, and the agency's e-mail and webhook are caught in the sandbox folder."""
    os.environ.pop(SECRET_ENV, None)
    async with running_sandbox(_config(tmp_path, catchers=True)) as sandbox:
        ref = await _report_fly_tipping(sandbox)
        waste = await _unread_in_waste_chat(sandbox)
        assert waste["kind"] == "agency"
        assert waste["unread"] >= 1
        await _acknowledge(sandbox, ref)
        folder = tmp_path / "safetybot-sandbox"
        assert ref in await _eventually_file(folder / "webhooks.jsonl")
        mail = await _eventually_file(folder / "mail" / "00001.eml")
        assert "waste@example.org" in mail
        derived = (folder / "config.toml").read_text(encoding="utf-8")
        assert "example.org/open311" not in derived
        assert "smtp.example.org" not in derived


async def test_the_page_answers_bad_input_clearly_and_loses_nothing(tmp_path: Path) -> None:
    """Unknown people, chats that are not theirs, empty text, an unknown place and a button that
    is not there get a sentence each; the resident's chat still works afterwards."""
    async with running_sandbox(_config(tmp_path)) as sandbox:
        cases: list[tuple[str, dict[str, Any], int, str]] = [
            ("/api/people/5/send", {"text": "hi"}, 404, texts.UNKNOWN_PERSON),
            (f"/api/people/{RESIDENT}/send", {"chat_id": WASTE_CHAT, "text": "hi"}, 403,
             texts.NOT_YOUR_CHAT),
            (f"/api/people/{RESIDENT}/send", {"text": "   "}, 400, texts.EMPTY_TEXT),
            (f"/api/people/{RESIDENT}/send", {"place": "Atlantis"}, 400, texts.UNKNOWN_PLACE),
            (f"/api/people/{RESIDENT}/send", {}, 400, texts.SAY_WHAT),
            (f"/api/people/{RESIDENT}/press", {"message_id": 99, "text": "Nope"}, 404,
             texts.BUTTON_GONE),
        ]  # fmt: skip
        for path, body, status, sentence in cases:
            response = await sandbox.post(path, body)
            assert (response.status_code, response.json()["error"]) == (status, sentence)
        bad_json = await sandbox.http.post(f"/api/people/{RESIDENT}/send", content=b"{")
        assert bad_json.json()["error"] == texts.BAD_REQUEST
        await PagePerson(sandbox, RESIDENT).say("/start", until="")


async def test_the_bot_killed_is_restarted_and_the_page_still_works(tmp_path: Path) -> None:
    """SIGKILL to the bot's process: the page hears "restarting", then "running" again, and the
    bot answers the resident from its new process."""
    async with running_sandbox(_config(tmp_path)) as sandbox:
        sam = PagePerson(sandbox, RESIDENT)
        await sam.say("/report", until="is anyone in danger")
        first = (await sandbox.get("/api/status"))["pid"]
        os.kill(first, signal.SIGKILL)

        def statuses() -> list[str]:
            return [e["status"] for e in sandbox.events.received if e["kind"] == "status"]

        await sandbox.events.until(lambda: "restarting" in statuses(), "restarting")
        await sandbox.events.until(
            lambda: statuses()[statuses().index("restarting") :].count("running"), "running again"
        )
        assert (await sandbox.get("/api/status"))["pid"] != first
        await sam.press("No, nobody is in danger")
        await sam.press("Fly tipping")
        await sam.press("Tyres")  # the new process asked the category's first question


async def test_a_restarted_sandbox_keeps_its_chats_and_cards_and_fresh_wipes_them(
    tmp_path: Path,
) -> None:
    """Stop the sandbox after a report and start it again: the chats are as they were and the
    card's Acknowledge button still works. With --fresh the chats are empty."""
    config = _config(tmp_path)
    async with running_sandbox(config) as sandbox:
        ref = await _report_fly_tipping(sandbox)
        before = await sandbox.messages(RESIDENT, RESIDENT)
    assert sandbox.process.returncode == 0
    async with running_sandbox(config) as sandbox:
        assert await sandbox.messages(RESIDENT, RESIDENT) == before
        await _acknowledge(sandbox, ref)
    async with running_sandbox(config, "--fresh") as sandbox:
        assert await sandbox.messages(RESIDENT, RESIDENT) == []
        assert await sandbox.messages(WASTE_OFFICER, WASTE_CHAT) == []


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=PATIENCE, check=False,
        env=quiet_environment(),
    )  # fmt: skip


def test_a_port_in_use_is_a_clear_message_and_exit_1(tmp_path: Path) -> None:
    """Another program on the port: one sentence naming it, exit 1, no traceback, no bot."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run(sandbox_argv(_config(tmp_path), "--port", str(port)), tmp_path)
    assert result.returncode == 1
    assert texts.PORT_IN_USE.format(port=port, host="127.0.0.1") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "safetybot-sandbox" / "bot.log").exists()


def test_a_config_with_mistakes_lists_them_as_check_config_does_and_exits_2(
    tmp_path: Path,
) -> None:
    """The same problem list as check-config, exit 2, and nothing started."""
    data = default_config_data()
    data["agencies"][0]["chat_id"] = "not a chat"
    data["admins"]["user_ids"] = []
    config = write_config_data(tmp_path, data)
    checked = _run([sys.executable, "-m", "bot", "check-config", "--config", str(config)], tmp_path)
    sandboxed = _run(sandbox_argv(config, "--port", "0"), tmp_path)
    assert checked.returncode == sandboxed.returncode == 2
    assert "has 2 problem(s)" in checked.stderr
    assert sandboxed.stderr == checked.stderr
    assert not (tmp_path / "safetybot-sandbox").exists()


def test_a_wide_host_is_warned_of(tmp_path: Path) -> None:
    """--host other than loopback prints the warning (here with a port in use, so it stops)."""
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - the port the sandbox must find taken
        taken.listen()
        port = taken.getsockname()[1]
        argv = sandbox_argv(_config(tmp_path), "--host", "0.0.0.0", "--port", str(port))  # noqa: S104
        result = _run(argv, tmp_path)
    assert texts.WIDE_HOST.format(host="0.0.0.0") in result.stderr  # noqa: S104
    assert result.returncode == 1


async def test_the_page_is_escaped_labelled_and_served_whole(tmp_path: Path) -> None:
    """The page escapes the configuration's words, labels its controls, and serves its script
    and style itself: nothing is fetched from another site."""
    data = default_config_data()
    data["partnership"]["name"] = "Safer <script>alert(1)</script> & Co"
    async with running_sandbox(write_config_data(tmp_path, data)) as sandbox:
        page = (await sandbox.http.get("/")).text
        script = await sandbox.http.get("/static/sandbox.js")
        style = await sandbox.http.get("/static/sandbox.css")
    assert "Safer &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "<script>alert" not in page
    for control in ("person", "text", "place", "file", "send-as"):
        assert f'<label for="{control}"' in page
    assert script.status_code == style.status_code == 200
    for text in (page, script.text, style.text):
        assert "http://" not in text
        assert "https://" not in text
