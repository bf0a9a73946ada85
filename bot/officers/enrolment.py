"""Who is an officer of which agency: listed in the configuration, or enrolled with a one-time
code an admin issued (and not revoked). Decided at the moment of each action."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta

from bot.config import Config
from bot.reporting.reference import new_reference
from storage.db import Database
from storage.officers import OfficerRepository

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(days=2)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Roster:
    """The agencies' officers and the partnership's admins."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._enrolments = OfficerRepository(db)

    async def agencies_of(self, user_id: int) -> list[str]:
        """The agencies this Telegram user is an officer of (listed or enrolled), in the
        configuration's order; one query for the enrolments."""
        enrolled = await self._enrolments.agencies_of(user_id)
        return [a.id for a in self._config.agencies if user_id in a.officers or a.id in enrolled]

    def agency_of_chat(self, chat_id: int) -> str | None:
        """The agency whose group chat this is, if any."""
        return next((a.id for a in self._config.agencies if a.chat_id == chat_id), None)

    async def may_act(self, user_id: int, agency_id: str) -> bool:
        """Whether this Telegram user is, right now, an officer of this agency: listed in the
        configuration, or enrolled with a code and not revoked."""
        agency = next((a for a in self._config.agencies if a.id == agency_id), None)
        if agency is None:
            return False
        return user_id in agency.officers or await self._enrolments.is_enrolled(user_id, agency_id)

    def is_admin(self, user_id: int) -> bool:
        """Whether this Telegram user is a partnership admin."""
        return user_id in self._config.admins.user_ids

    async def issue_code(self, admin_id: int, agency_id: str, now: datetime) -> str | None:
        """A one-time enrolment code for an agency (valid for two days), or None if the agency
        is unknown. Only its hash is stored."""
        if not any(a.id == agency_id for a in self._config.agencies):
            return None
        code = new_reference() + new_reference()[3:]
        await self._enrolments.issue(
            _hash(code), agency_id, admin_id=admin_id, now=now, expires=now + CODE_LIFETIME
        )
        logger.info("Enrolment code issued for %s", agency_id)
        return code

    async def enrol(self, user_id: int, code: str, now: datetime) -> str | None:
        """Use a code: the user becomes an officer of its agency; returns the agency id."""
        typed = re.sub(r"[^0-9A-Z]", "", code.upper())
        canonical = f"{typed[:3]}-{typed[3:6]}-{typed[6:]}"
        agency = await self._enrolments.redeem(_hash(canonical), user_id, now)
        if agency is not None:
            logger.info("An officer enrolled in %s", agency)
        return agency

    async def revoke(self, user_id: int, agency_id: str, now: datetime) -> int:
        """Take an enrolled officer's rights away at once."""
        return await self._enrolments.revoke(user_id, agency_id, now)
