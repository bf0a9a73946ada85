"""The residents' data rights, as the handlers and the runner use them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.config import Config
from bot.privacy.erasure import Erasure, ErasureService, Holding
from bot.privacy.records import Records, as_file
from bot.privacy.retention import RetentionCounts, RetentionService
from storage.db import Database


class PrivacyService:
    """/mydata, /forgetme and the retention job."""

    def __init__(self, config: Config, db: Database, secret: bytes) -> None:
        """Use the configuration, the open database and the bot's key."""
        self._records = Records(config, db, secret)
        self._erasure = ErasureService(config, db, secret)
        self._retention = RetentionService(config, db)

    async def my_data(
        self, user_id: int, chat_id: int, draft: Mapping[str, Any] | None, now: datetime
    ) -> bytes:
        """The resident's data as a JSON file."""
        return as_file(await self._records.document(user_id, chat_id, draft, now))

    async def holding(self, chat_id: int) -> Holding:
        """What an erasure would touch."""
        return await self._erasure.holding(chat_id)

    async def forget(
        self, user_id: int, chat_id: int, *, keep_open: bool, now: datetime
    ) -> Erasure:
        """Erase the resident (outside any transaction)."""
        return await self._erasure.erase(user_id, chat_id, keep_open=keep_open, now=now)

    async def apply_retention(self, now: datetime, *, drafts: bool) -> RetentionCounts:
        """One pass of the retention job."""
        return await self._retention.run(now, drafts=drafts)
