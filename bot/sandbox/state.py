"""Where the sandbox keeps its state, and the configuration it derives for the bot it runs.

The folder holds the bot's database, the emulator's world (its chats, saved on exit and
restored on start), the bot's log, and the e-mail and webhook calls the sandbox caught. The
derived configuration is the partnership's own, with only what must not leave the machine
changed: the Bot API is the emulator, geocoding is off (the shipped gazetteer answers typed
places), and e-mail and webhooks go to the sandbox's catchers.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from bot.config import PACKAGE_PREFIX, default_config_data, find_config

FOLDER_NAME = "safetybot-sandbox"
MARKER = ".safetybot-sandbox"
# The [geography] keys naming files, as bot.config resolves them.
_GEOGRAPHY_FILES = (
    "district_boundary",
    "wards_boundary",
    "neighbours_boundary",
    "gazetteer",
    "postcodes",
)


class NotOurFolder(Exception):
    """The sandbox folder exists but the sandbox did not make it."""


@dataclass(frozen=True, slots=True)
class Folder:
    """The sandbox's folder and the files in it."""

    path: Path

    @classmethod
    def for_config(cls, config_path: str | None) -> Folder:
        """Beside the config file given (or ./config.toml), else in the current folder."""
        chosen = find_config(config_path)
        base = Path.cwd() if chosen is None else chosen.absolute().parent
        return cls(base / FOLDER_NAME)

    @property
    def database(self) -> Path:
        """The bot's SQLite file."""
        return self.path / "safetybot.sqlite3"

    @property
    def world(self) -> Path:
        """The emulator's saved world (JSON)."""
        return self.path / "world.json"

    @property
    def config(self) -> Path:
        """The configuration the sandbox derives for the bot."""
        return self.path / "config.toml"

    @property
    def bot_log(self) -> Path:
        """What the bot's process printed."""
        return self.path / "bot.log"

    @property
    def mail(self) -> Path:
        """The e-mails caught, one .eml file each."""
        return self.path / "mail"

    @property
    def webhooks(self) -> Path:
        """The webhook calls caught, one JSON line each."""
        return self.path / "webhooks.jsonl"

    def prepare(self, *, fresh: bool) -> None:
        """Make the folder (wiping it first when ``fresh``); raise NotOurFolder rather than
        delete a folder the sandbox did not make."""
        ours = (self.path / MARKER).exists()
        if self.path.exists() and not ours and (fresh or any(self.path.iterdir())):
            raise NotOurFolder(str(self.path))
        if fresh and self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / MARKER).write_text("made by safetybot sandbox\n", encoding="utf-8")
        self.mail.mkdir(exist_ok=True)

    def saved_world(self) -> dict[str, Any] | None:
        """The world saved by an earlier run, or None; raise ValueError if it is unreadable."""
        if not self.world.exists():
            return None
        try:
            data = json.loads(self.world.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(str(exc)) from None
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data

    def save_world(self, snapshot: Mapping[str, Any]) -> None:
        """Write the world atomically (a crash mid-write keeps the previous one)."""
        partial = self.world.with_suffix(".json.partial")
        partial.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        partial.replace(self.world)


@dataclass(frozen=True, slots=True)
class Catchers:
    """Where the bot's outgoing e-mail and webhook calls go instead."""

    smtp_port: int
    webhook_base: str  # the agency's id is appended


def source_data(config_path: str | None) -> tuple[dict[str, Any], Path]:
    """The partnership's configuration as tomllib reads it, and the folder its relative paths
    resolve against (already validated by the caller)."""
    chosen = find_config(config_path)
    if chosen is None:
        return default_config_data(), Path.cwd()
    data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    return data, chosen.absolute().parent


def derive_config(
    data: Mapping[str, Any], base_dir: Path, folder: Folder, api_url: str, catchers: Catchers
) -> dict[str, Any]:
    """The partnership's configuration data for the sandbox's bot (see the module's doc)."""
    derived: dict[str, Any] = json.loads(json.dumps(data))  # a deep copy of plain data
    telegram = derived.setdefault("telegram", {})
    telegram["api_url"] = api_url
    telegram["mode"] = "polling"
    derived.setdefault("storage", {})["database"] = str(folder.database)
    geography = derived.setdefault("geography", {})
    for key in _GEOGRAPHY_FILES:
        value = geography.get(key)
        if isinstance(value, str) and not value.startswith(PACKAGE_PREFIX):
            path = Path(value).expanduser()
            geography[key] = str(path if path.is_absolute() else base_dir / path)
    geography.setdefault("geocoding", {})["enabled"] = False
    if isinstance(smtp := derived.get("smtp"), dict):
        smtp.update(host="127.0.0.1", port=catchers.smtp_port, starttls=False)
        smtp.pop("username", None)
        smtp.pop("password_env", None)
    for agency in derived.get("agencies", []):
        if agency.get("webhook_url"):
            agency["webhook_url"] = f"{catchers.webhook_base}/{agency['id']}"
    return derived


def write_config(path: Path, data: Mapping[str, Any]) -> None:
    """Write configuration data as TOML."""
    path.write_text(
        "# Written by `safetybot sandbox` on each start: edit the partnership's own file.\n"
        + tomli_w.dumps(data),
        encoding="utf-8",
    )
