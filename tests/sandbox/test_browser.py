"""The sandbox's page in a real headless browser: Debian's chromium and chromedriver through
Selenium, pointed at the installed binaries so nothing is downloaded. One resident's fly-tipping
report from the page to the waste team's chat and back (the page reloaded in the middle, and
the place clicked on the district's map), /queue, and the bot's process killed and restarted
under the open page. Each step's screenshot is saved in $SAFETYBOT_ARTIFACTS (or the test's
temporary folder).

Without chromium, chromedriver or Selenium the test skips with the reason, unless
SAFETYBOT_BROWSER_TESTS=required (as in CI), when it fails instead."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import subprocess
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from bot.config import default_config_data
from tests.support.configs import write_config_data

from .page import ADDRESS_START, PATIENCE, quiet_environment, sandbox_argv

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REQUIRED_ENV = "SAFETYBOT_BROWSER_TESTS"
ARTIFACTS_ENV = "SAFETYBOT_ARTIFACTS"
BROWSER_OPTIONS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--window-size=1280,900",
)
VIEWPORT = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}

RESIDENT = 100_001  # the sandbox's first resident
WASTE_OFFICER = 910_001  # the St Albans default's waste enforcement officer (the council's)
WASTE_CHAT = -1001000000001
CLOCK_TOWER = (51.7526, -0.3392)  # St Albans Clock Tower, as the gazetteer has it
SHARE_LOCATION = "Share my location"  # the bot's reply keyboard (bot/reporting/texts.py)

# What the page shows in the status line (bot/sandbox/static/sandbox.js).
RUNNING = "The bot is running."
RESTARTING = "restarting"


def _missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    if importlib.util.find_spec("selenium") is None:
        return "Selenium is not installed (pip install -e '.[test]')"
    for binary, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(binary, os.X_OK):
            return f"{binary} is not installed (apt-get install {package})"
    return None


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """The folder the screenshots go to."""
    folder = Path(os.environ.get(ARTIFACTS_ENV) or tmp_path / "artifacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """A headless chromium driven by the installed chromedriver."""
    reason = _missing()
    if reason is not None:
        if os.environ.get(REQUIRED_ENV) == "required":
            pytest.fail(f"{REQUIRED_ENV}=required, but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for option in BROWSER_OPTIONS:
        options.add_argument(option)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    # The window size includes the window's frame: make the page itself 1280x900.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", VIEWPORT)
    try:
        yield driver
    finally:
        driver.quit()


@contextlib.contextmanager
def _sandbox(folder: Path) -> Iterator[str]:
    """A sandbox for the St Albans default on a free port; its address. Stopped as Ctrl+C
    would after."""
    config = write_config_data(folder, default_config_data())
    with (folder / "sandbox-stderr.log").open("ab") as log:
        process = subprocess.Popen(
            sandbox_argv(config, "--port", "0"),
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=log,
            env=quiet_environment(),
            text=True,
        )
        assert process.stdout is not None
        try:
            url = None
            for line in process.stdout:  # pytest-timeout guards a sandbox that prints nothing
                if line.startswith(ADDRESS_START):
                    url = line.removeprefix(ADDRESS_START).split()[0]
                    break
            assert url is not None, "the sandbox ended before printing its address"
            yield url
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _status(url: str) -> dict[str, Any]:
    response = httpx.get(urllib.parse.urljoin(url, "/api/status"), timeout=PATIENCE)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


class Page:
    """The sandbox page in the browser, used as a person would use it."""

    def __init__(self, driver: WebDriver, url: str, artifacts: Path) -> None:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.artifacts = artifacts
        self.shots = 0
        # The page redraws a chat on each event: an element found a moment ago may be gone.
        self.wait = WebDriverWait(
            driver, PATIENCE, poll_frequency=0.1,
            ignored_exceptions=(StaleElementReferenceException,),
        )  # fmt: skip
        driver.get(url)
        self.until(lambda: self.status() == RUNNING, "the bot running")

    def until(self, done: Callable[[], Any], what: str) -> Any:
        """Wait on the page's state until ``done()`` gives something true; return it."""
        from selenium.common.exceptions import TimeoutException

        try:
            return self.wait.until(lambda _: done())
        except TimeoutException:
            self.screenshot(f"timeout-{re.sub(r'[^a-z]+', '-', what.lower())[:40]}")
            pytest.fail(f"waited for {what}")

    def screenshot(self, step: str) -> Path:
        """Save what the page shows as the next numbered step."""
        self.shots += 1
        path = self.artifacts / f"{self.shots:02d}-{step}.png"
        assert self.driver.save_screenshot(str(path)), path
        return path

    def _by_id(self, element_id: str) -> WebElement:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.ID, element_id)

    def status(self) -> str:
        """The status line above the chats."""
        return self._by_id("bot-status").text

    def be(self, person: int, chat: int) -> None:
        """Switch to a person in the page's picker and open one of their chats."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        Select(self._by_id("person")).select_by_value(str(person))
        selector = f'#chats button[data-chat-id="{chat}"]'
        opened = f'{selector}[aria-current="true"]'

        def open_chat() -> bool:
            if not self.driver.find_elements(By.CSS_SELECTOR, opened):
                for button in self.driver.find_elements(By.CSS_SELECTOR, selector):
                    button.click()
            return bool(self.driver.find_elements(By.CSS_SELECTOR, opened))

        self.until(open_chat, f"chat {chat} open for {person}")

    def _bot_messages(self) -> list[WebElement]:
        from selenium.webdriver.common.by import By

        return [
            m
            for m in self.driver.find_elements(By.CSS_SELECTOR, "#messages > li")
            if "mine" not in (m.get_attribute("class") or "")
        ]

    def last_id(self) -> int:
        """The id of the newest message in the open chat (0 when there is none)."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By

        while True:  # the page redraws its list as messages come: read it again if it did
            try:
                ids = [
                    int(m.get_attribute("data-message-id") or 0)
                    for m in self.driver.find_elements(By.CSS_SELECTOR, "#messages > li")
                ]
            except StaleElementReferenceException:
                continue
            return max(ids, default=0)

    def wait_for(self, text: str, after: int = 0) -> str:
        """The text of the first bot message after message id ``after`` that contains ``text``."""

        def found() -> str | None:
            for message in self._bot_messages():
                if int(message.get_attribute("data-message-id") or 0) > after:
                    shown = message.text
                    if text in shown:
                        return shown
            return None

        result: str = self.until(found, repr(text))
        return result

    def say(self, text: str, until: str) -> str:
        """Type into the composer and send; return the bot's answer containing ``until``."""
        before = self.last_id()
        box = self._by_id("text")
        box.clear()
        box.send_keys(text)
        self._by_id("composer").submit()
        return self.wait_for(until, before)

    def reload(self) -> None:
        """Reload the page, as a person pressing F5 would, and wait for it to be back."""
        self.driver.refresh()
        self.until(lambda: self.status() == RUNNING, "the bot running after the reload")

    def reply_keys(self) -> list[str]:
        """The texts of the bot's reply keyboard under the open chat."""
        from selenium.webdriver.common.by import By

        return [
            b.text for b in self.driver.find_elements(By.CSS_SELECTOR, "#reply-keyboard button")
        ]

    def press_reply_key(self, text: str) -> None:
        """Press a key of the bot's reply keyboard."""
        from selenium.webdriver.common.by import By

        def click() -> bool:
            for key in self.driver.find_elements(By.CSS_SELECTOR, "#reply-keyboard button"):
                if key.text == text:
                    key.click()
                    return True
            return False

        self.until(click, f"the {text!r} key")

    def click_map(self, url: str, latitude: float, longitude: float, until: str) -> str:
        """Click the district's map where the point is (found with the map's own projection,
        from the page's /api/map), as a person clicks it; return the bot's answer."""
        from selenium.webdriver.common.action_chains import ActionChains

        shown = httpx.get(urllib.parse.urljoin(url, "/api/map"), timeout=PATIENCE).json()
        p = shown["projection"]
        x = (longitude - p["west"]) * p["x_per_degree"]
        y = (p["north"] - latitude) * p["y_per_degree"]
        svg = self._by_id("map-svg")
        self.until(svg.is_displayed, "the map shown")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", svg)
        width, height = svg.size["width"], svg.size["height"]
        # Selenium's offsets are from the element's centre; the map fills its box (same ratio).
        dx = x / shown["width"] * width - width / 2
        dy = y / shown["height"] * height - height / 2
        before = self.last_id()
        ActionChains(self.driver).move_to_element_with_offset(
            svg, round(dx), round(dy)
        ).click().perform()
        return self.wait_for(until, before)

    def press(self, button: str, until: str | None = None, within: str = "") -> None:
        """Click the inline button on the newest message having it (and ``within`` in its
        text); then wait for a message or edit containing ``until`` if given."""
        from selenium.webdriver.common.by import By

        def click() -> int | None:
            for message in reversed(self._bot_messages()):
                if within not in message.text:
                    continue
                for key in message.find_elements(By.CSS_SELECTOR, ".inline-keyboard button"):
                    if key.text == button:
                        pressed = int(message.get_attribute("data-message-id") or 0)
                        key.click()
                        return pressed
            return None

        before = self.last_id()
        pressed: int = self.until(click, f"a {button!r} button")
        if until is None:
            return

        def shown() -> bool:
            for message in self._bot_messages():
                message_id = int(message.get_attribute("data-message-id") or 0)
                if (message_id == pressed or message_id > before) and until in message.text:
                    return True
            return False

        self.until(shown, f"{until!r} after pressing {button!r}")

    def watch_status(self) -> None:
        """Record every status line the page shows from now on (in the page itself, so a
        short-lived line is not missed between two looks)."""
        self.driver.execute_script(
            """
            const line = document.getElementById("bot-status");
            window.statusesSeen = [];
            new MutationObserver(() => window.statusesSeen.push(line.textContent))
              .observe(line, {childList: true, characterData: true, subtree: true});
            """
        )

    def statuses_seen(self) -> list[str]:
        """The status lines shown since ``watch_status``."""
        return list(self.driver.execute_script("return window.statusesSeen;"))


def test_a_resident_reports_in_the_browser_and_the_officer_acts_through_a_bot_restart(
    tmp_path: Path, browser: WebDriver, artifacts: Path
) -> None:
    """The page in chromium: a resident reports fly tipping, the page is reloaded when the bot
    asks where (the chat and its reply keyboard come back), and the place is clicked on the
    district's map; the waste officer acknowledges the card in the agency chat, the resident
    sees the update, the officer finds the report in /queue; the bot's process is killed, the
    page says it is restarting, and afterwards the bot answers from its new process."""
    with _sandbox(tmp_path) as url:
        page = Page(browser, url, artifacts)
        page.be(RESIDENT, RESIDENT)
        page.screenshot("resident-chat")

        page.say("/report", until="is anyone in danger")
        for button in ("No, nobody is in danger", "Fly tipping", "Tyres", "Done"):
            page.press(button)
        for button in ("A car boot load", "Park or open space", "No"):
            page.press(button)
        page.wait_for("Where is it?")
        page.screenshot("resident-asked-where")
        page.reload()
        page.wait_for("Where is it?")
        assert SHARE_LOCATION in page.reply_keys()
        page.press_reply_key(SHARE_LOCATION)  # opens the map, as the phone's would share
        page.screenshot("resident-sees-the-map")
        page.click_map(url, *CLOCK_TOWER, until="When did it happen")
        page.screenshot("resident-clicked-the-map")
        page.press("Now or just now", until="Describe what you saw")
        page.press("Skip", until="Photos help")
        page.press("No photos", until="keep you updated")
        page.press("Keep me updated here", until="Please check your report")
        page.screenshot("resident-checks-report")
        page.press("Submit report", until="Your reference")
        done = page.wait_for("Your reference")
        ref = done.split("Your reference: ")[1].split()[0]
        page.screenshot("resident-submitted")

        page.be(WASTE_OFFICER, WASTE_CHAT)
        page.wait_for(ref)
        page.screenshot("officer-sees-card")
        page.press("Acknowledge", until="Acknowledged by", within=ref)
        page.screenshot("officer-acknowledged")

        page.be(RESIDENT, RESIDENT)
        page.wait_for(f"Update on your report {ref}")
        page.screenshot("resident-sees-update")

        page.be(WASTE_OFFICER, WASTE_CHAT)
        page.say("/queue", until=ref)
        page.screenshot("officer-queue")

        page.be(RESIDENT, RESIDENT)
        page.watch_status()
        first = _status(url)["pid"]
        assert isinstance(first, int)
        os.kill(first, signal.SIGKILL)
        page.until(
            lambda: any(RESTARTING in s for s in page.statuses_seen()), "the page to say restarting"
        )
        page.screenshot("bot-restarting")
        page.until(lambda: page.status() == RUNNING, "the page to say the bot runs again")
        assert _status(url)["pid"] not in (None, first)
        page.say("/report", until="is anyone in danger")
        page.press("No, nobody is in danger", until="Fly tipping")
        page.screenshot("after-restart")
