"""What the database holds about one resident, read for /mydata and cleared for /forgetme.

Every table that names a resident, and how (the migrations' chat_id, user_id and resident_key
columns, and the texts that carry what residents wrote):

- ``reports``: ``reporter_chat_id`` and ``contact_phone``; what they wrote (``description``,
  ``answers``, ``location_text``), where (``latitude``/``longitude``) and when;
- ``report_photos``: their photos (Telegram file ids), through their report;
- ``report_events``: the ``detail`` of ``same_reported`` (details added to another's report),
  ``answered`` (answers to officers) and ``asked`` events; ``actor`` ``telegram:<id>`` of a
  refused button press;
- ``report_followers``: ``chat_id`` of a resident following a report;
- ``reply_prompts``: ``chat_id`` of the question relayed to a reporter (purpose ``answer``);
- ``outbox``: ``target`` (their chat), ``dedupe_key`` (updates end with ``:<chat>``) and
  ``payload`` (the texts sent to them; the cards, e-mails and webhook calls of their reports);
- ``resident_counters``: ``resident_key``, a keyed hash of the Telegram id;
- ``subscribers`` (quiet hours, the "near me" point and radius), ``subscriber_areas`` (the areas
  chosen, or those the "near me" circle meets) and ``subscriptions``: ``chat_id``;
- ``broadcast_deliveries``: ``chat_id``;
- ``case_review_notices``: ``chat_id`` and the references of their reports that reached the ASB
  Case Review threshold (:mod:`storage.case_reviews`);
- ``ptb_user_data``, ``ptb_chat_data``, ``ptb_conversations``: the conversation state, keyed by
  the ids (cleared by :meth:`storage.persistence.SqlitePersistence.purge_user`).

Officers and admins appear in ``officer_enrolments`` and ``audit_log``, as staff, never as
residents. All SQL here is portable except ``json_extract``/``json_object`` (SQLite's JSON
functions; PostgreSQL has ``->>`` and ``jsonb_build_object``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.case_reviews import CaseReviewRepository, Notice
from storage.db import Database
from storage.jsontext import dumps, loads_object
from storage.timestamps import from_db, from_db_optional, to_db, to_db_optional

ERASED = "erased at the resident's request"


@dataclass(frozen=True, slots=True)
class Followed:
    """A report a resident follows, and what they added to it."""

    report_id: int
    ref: str
    category: str
    status: str
    joined_at: datetime
    added: Mapping[str, Any]  # the details they gave (the same_reported event), if found


@dataclass(frozen=True, slots=True)
class Delivery:
    """A news item delivered (or attempted) to a chat."""

    broadcast_id: int
    state: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutboxTrace:
    """An outbox item that carried something of a resident's report."""

    id: int
    kind: str
    target: str
    dedupe_key: str | None
    state: str
    sent_at: datetime | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Anonymised:
    """What an anonymised report keeps: its answers without free text, its times cut to the day."""

    answers: Mapping[str, Any]
    created_at: datetime
    occurred_at: datetime | None


class ResidentDataRepository:
    """Read and clear what names one resident."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    # -- reading (for /mydata) -----------------------------------------------------------------

    async def followed(self, chat_id: int) -> list[Followed]:
        """The reports a chat follows (made by others), with the details it added."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.ref, r.category, r.status, f.joined_at,"
            " (SELECT e.detail FROM report_events e WHERE e.report_id = r.id"
            "  AND e.kind = 'same_reported' AND e.at = f.joined_at ORDER BY e.id LIMIT 1) AS added"
            " FROM report_followers f JOIN reports r ON r.id = f.report_id"
            " WHERE f.chat_id = ? ORDER BY f.joined_at, f.id",
            (chat_id,),
        )
        return [
            Followed(
                report_id=row["id"],
                ref=row["ref"],
                category=row["category"],
                status=row["status"],
                joined_at=from_db(row["joined_at"]),
                added=loads_object(row["added"]) if row["added"] else {},
            )
            for row in rows
        ]

    async def deliveries(self, chat_id: int) -> list[Delivery]:
        """The news items delivered or attempted to a chat (their texts are the partnership's,
        not the resident's: only which, when and how)."""
        rows = await self._db.fetchall(
            "SELECT broadcast_id, state, sent_at FROM broadcast_deliveries WHERE chat_id = ?"
            " ORDER BY broadcast_id",
            (chat_id,),
        )
        return [
            Delivery(row["broadcast_id"], row["state"], from_db_optional(row["sent_at"]))
            for row in rows
        ]

    async def subscriber(self, chat_id: int) -> dict[str, Any] | None:
        """A chat's subscriber row (when it subscribed, quiet hours, "near me" point: every
        column but the chat), with its subscriptions as ``topic_id``/``area_id`` pairs."""
        row = await self._db.fetchone("SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,))
        if row is None:
            return None
        held = {key: row[key] for key in row.keys() if key != "chat_id"}  # noqa: SIM118 - a Row iterates over values
        topics = await self._db.fetchall(
            "SELECT topic_id, area_id FROM subscriptions WHERE chat_id = ?"
            " ORDER BY topic_id, area_id",
            (chat_id,),
        )
        held["subscriptions"] = [{"topic": t["topic_id"], "area": t["area_id"]} for t in topics]
        areas = await self._db.fetchall(
            "SELECT area_id FROM subscriber_areas WHERE chat_id = ? ORDER BY area_id", (chat_id,)
        )
        held["areas"] = [row["area_id"] for row in areas]
        return held

    async def case_review_notices(self, chat_id: int) -> list[Notice]:
        """The ASB Case Review notices given to a chat: when, and the references named."""
        return await CaseReviewRepository(self._db).notices(chat_id)

    async def counters(self, resident_key: str) -> dict[str, int]:
        """A resident's daily report counts, by day."""
        rows = await self._db.fetchall(
            "SELECT day, count FROM resident_counters WHERE resident_key = ? ORDER BY day",
            (resident_key,),
        )
        return {row["day"]: int(row["count"]) for row in rows}

    async def own_report_ids(self, chat_id: int) -> list[int]:
        """The ids of the reports a chat made, oldest first."""
        rows = await self._db.fetchall(
            "SELECT id FROM reports WHERE reporter_chat_id = ? ORDER BY created_at, id",
            (chat_id,),
        )
        return [int(row["id"]) for row in rows]

    async def outbox_traces(self, patterns: Sequence[str]) -> list[OutboxTrace]:
        """The outbox items whose dedupe key matches one of the LIKE ``patterns``."""
        if not patterns:
            return []
        rows = await self._db.fetchall(
            "SELECT id, kind, target, dedupe_key, state, sent_at,"
            " json_extract(result, '$.message_id') AS message_id FROM outbox"
            " WHERE EXISTS (SELECT 1 FROM json_each(?) p WHERE outbox.dedupe_key LIKE p.value)"
            " ORDER BY id",
            (dumps(list(patterns)),),
        )
        return [
            OutboxTrace(
                id=row["id"],
                kind=row["kind"],
                target=row["target"],
                dedupe_key=row["dedupe_key"],
                state=row["state"],
                sent_at=from_db_optional(row["sent_at"]),
                message_id=row["message_id"] if isinstance(row["message_id"], int) else None,
            )
            for row in rows
        ]

    # -- clearing (for /forgetme and the retention job); call inside a transaction -----------

    async def delete_report(self, report_id: int) -> None:
        """Remove a withdrawn report with its photos, events, routings, followers, prompts."""
        await self._db.execute("DELETE FROM reports WHERE id = ?", (report_id,))

    async def anonymise_report(
        self, report_id: int, kept: Anonymised, *, now: datetime, drop_followers: bool
    ) -> None:
        """Strip a report of everything that could identify its reporter: chat, contact, free
        text, photos, point and exact times; events keep their kind, time and agency only."""
        await self._db.execute(
            "UPDATE reports SET reporter_chat_id = NULL, anonymous = 1, contact_phone = NULL,"
            " description = '', answers = ?, latitude = NULL, longitude = NULL,"
            " location_text = NULL, created_at = ?, occurred_at = ?, draft_token = NULL,"
            " anonymised_at = ? WHERE id = ?",
            (
                dumps(dict(kept.answers)),
                to_db(kept.created_at),
                to_db_optional(kept.occurred_at),
                to_db(now),
                report_id,
            ),
        )
        await self._db.execute("DELETE FROM report_photos WHERE report_id = ?", (report_id,))
        await self._db.execute(
            "UPDATE report_events SET detail = CASE"
            " WHEN json_extract(detail, '$.agency') IS NOT NULL"
            "  THEN json_object('agency', json_extract(detail, '$.agency'))"
            " WHEN json_extract(detail, '$.to') IS NOT NULL"
            "  THEN json_object('to', json_extract(detail, '$.to'))"
            " ELSE '{}' END, actor = CASE WHEN actor LIKE 'telegram:%' THEN 'someone'"
            " ELSE actor END WHERE report_id = ?",
            (report_id,),
        )
        await self._db.execute(
            "DELETE FROM reply_prompts WHERE report_id = ? AND purpose = 'answer'", (report_id,)
        )
        if drop_followers:
            await self._db.execute("DELETE FROM report_followers WHERE report_id = ?", (report_id,))

    async def unfollow_all(self, chat_id: int) -> int:
        """Stop a chat following reports, clearing the details it added to them."""
        await self._db.execute(
            "UPDATE report_events SET detail = '{}' WHERE kind = 'same_reported' AND EXISTS"
            " (SELECT 1 FROM report_followers f WHERE f.chat_id = ?"
            "  AND f.report_id = report_events.report_id AND f.joined_at = report_events.at)",
            (chat_id,),
        )
        result = await self._db.execute(
            "DELETE FROM report_followers WHERE chat_id = ?", (chat_id,)
        )
        return result.rowcount

    async def forget_actor(self, actor: str) -> None:
        """Events whose actor is this Telegram user no longer say so."""
        await self._db.execute(
            "UPDATE report_events SET actor = 'someone' WHERE actor = ?", (actor,)
        )

    async def clear_chat_outbox(self, chat_id: int) -> int:
        """Blank every outbox item to this chat (target, key and payload); those still waiting
        are given up. Returns how many there were."""
        result = await self._db.execute(
            "UPDATE outbox SET target = '', dedupe_key = NULL, payload = '{}',"
            " state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END,"
            " last_error = CASE WHEN state = 'pending' THEN ? ELSE last_error END"
            " WHERE target = ?",
            (ERASED, str(chat_id)),
        )
        return result.rowcount

    async def clear_outbox_items(
        self, item_ids: Sequence[int], *, reporter_chat: int | None = None
    ) -> int:
        """Blank these outbox items' payloads (and, for those sent to ``reporter_chat``, their
        target and key); those still waiting are given up."""
        if reporter_chat is not None:
            await self._db.execute(
                "UPDATE outbox SET target = '', dedupe_key = NULL"
                " WHERE id IN (SELECT value FROM json_each(?)) AND target = ?",
                (dumps(list(item_ids)), str(reporter_chat)),
            )
        result = await self._db.execute(
            "UPDATE outbox SET payload = '{}',"
            " state = CASE WHEN state = 'pending' THEN 'failed' ELSE state END,"
            " last_error = CASE WHEN state = 'pending' THEN ? ELSE last_error END"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (ERASED, dumps(list(item_ids))),
        )
        return result.rowcount

    async def forget_chat(self, chat_id: int, resident_key: str) -> dict[str, int]:
        """Delete the chat's prompts, subscriptions, news deliveries, counters and case review
        notices; the counts."""
        counts: dict[str, int] = {}
        for name, sql, param in (
            ("prompts", "DELETE FROM reply_prompts WHERE chat_id = ?", chat_id),
            ("deliveries", "DELETE FROM broadcast_deliveries WHERE chat_id = ?", chat_id),
            ("subscriptions", "DELETE FROM subscriptions WHERE chat_id = ?", chat_id),
            ("areas", "DELETE FROM subscriber_areas WHERE chat_id = ?", chat_id),
            ("subscriber", "DELETE FROM subscribers WHERE chat_id = ?", chat_id),
            ("counters", "DELETE FROM resident_counters WHERE resident_key = ?", resident_key),
            ("case_reviews", "DELETE FROM case_review_notices WHERE chat_id = ?", chat_id),
        ):
            counts[name] = (await self._db.execute(sql, (param,))).rowcount
        return counts
