"""Who is in the sandbox: residents, the configured officers and admins, and their chats.

The emulator's users and groups get exactly the ids of the configuration (each agency's
``chat_id``, the admins' ``chat_id``, the officers' and admins' user ids), so the bot runs on
the partnership's own configuration with nothing mapped; only the residents are the sandbox's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.config import Config
from bot.emulator import EmulatorClient

Role = Literal["resident", "officer", "admin"]

BOT_TOKEN = "777000001:sandbox-token-not-a-real-one"  # noqa: S105 - the emulator's, not a secret
BOT_USERNAME = "safetybot_sandbox_bot"
RESIDENT_NAMES = ("Sam", "Alex")
FIRST_RESIDENT_ID = 100_001


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the page can be: a resident, an officer of some agencies, or an admin."""

    user_id: int
    name: str
    role: Role
    agencies: tuple[str, ...] = ()  # the names of the agencies an officer acts for


@dataclass(frozen=True, slots=True)
class Group:
    """A group chat of the configuration: an agency's, or the admins'."""

    chat_id: int
    title: str
    members: tuple[int, ...]


def _short(agency_name: str) -> str:
    """'St Albans District Council, Waste Enforcement' -> 'Waste Enforcement'."""
    return agency_name.rsplit(",", 1)[-1].strip()


def people(config: Config) -> list[Person]:
    """The residents, then each officer (once, with every agency they act for), then admins."""
    taken = {*config.admins.user_ids, *(o for a in config.agencies for o in a.officers)}
    found: list[Person] = []
    next_id = FIRST_RESIDENT_ID
    for name in RESIDENT_NAMES:
        while next_id in taken:
            next_id += 1
        found.append(Person(next_id, name, "resident"))
        next_id += 1
    officers: dict[int, list[str]] = {}
    for agency in config.agencies:
        for officer in agency.officers:
            officers.setdefault(officer, []).append(agency.name)
    for user_id, agencies in officers.items():
        if user_id in config.admins.user_ids:
            continue  # listed as an admin below, with the agencies too
        found.append(Person(user_id, f"{_short(agencies[0])} officer", "officer", tuple(agencies)))
    for number, user_id in enumerate(config.admins.user_ids, start=1):
        name = "Partnership admin" + (f" {number}" if len(config.admins.user_ids) > 1 else "")
        found.append(Person(user_id, name, "admin", tuple(officers.get(user_id, ()))))
    return found


def groups(config: Config) -> list[Group]:
    """Each agency's group chat with its officers, and the admins' chat with the admins.

    Agencies sharing a chat share one group, with all their officers.
    """
    members: dict[int, list[int]] = {}
    titles: dict[int, str] = {}
    for agency in config.agencies:
        titles.setdefault(agency.chat_id, agency.name)
        members.setdefault(agency.chat_id, []).extend(agency.officers)
    if config.admins.chat_id is not None:
        titles.setdefault(config.admins.chat_id, "Partnership admins")
        members.setdefault(config.admins.chat_id, []).extend(config.admins.user_ids)
    return [Group(c, titles[c], tuple(dict.fromkeys(members[c]))) for c in titles]


async def populate(client: EmulatorClient, config: Config) -> int:
    """Create in the emulator whatever of the bot, people and groups it lacks (a restored world
    keeps its own; a changed config adds what is new); return the bot's id."""
    bot = await client.register_bot(BOT_TOKEN, BOT_USERNAME, "Community Safety (sandbox)")
    bot_id = int(bot["id"])
    state = await client.state()
    users = {int(u["id"]) for u in state["users"]}
    for person in people(config):
        if person.user_id not in users:
            await client.create_user(person.name, user_id=person.user_id)
    existing = {int(g["id"]): g for g in state["groups"]}
    for group in groups(config):
        found = existing.get(group.chat_id)
        if found is None:
            await client.create_group(
                group.title,
                members=group.members,
                bots=[bot_id],
                supergroup=str(group.chat_id).startswith("-100"),
                chat_id=group.chat_id,
            )
            continue
        for member in _missing(group.members, found["members"]):
            await client.add_member(group.chat_id, member)
        if bot_id not in found["bots"]:
            await client.add_bot(group.chat_id, bot_id)
    return bot_id


def _missing(wanted: Iterable[int], present: Iterable[int]) -> list[int]:
    have = set(present)
    return [m for m in wanted if m not in have]
