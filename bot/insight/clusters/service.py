"""Emerging clusters: scanned as each report is stored and once a day, kept so that each is
announced once and its announcement updated as it grows (after a restart too), announced
through the outbox to the admins' chat and, where config says, the agencies' chats; sensitive
categories only to their agencies, with the area alone. The presses of the announcement's
buttons: acknowledge, mute the area and category, list the reports."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import buttons
from bot.config import Config
from bot.geo.areas import AreaMap
from bot.insight.charts import cluster_map
from bot.insight.clusters import texts
from bot.insight.clusters.detect import Geography, scan
from bot.outbox.items import EDIT, MESSAGE, PHOTO, admin_targets
from storage.clusters import ClusterReport, ClusterRepository, NewCluster, StoredCluster
from storage.db import Database
from storage.outbox import OutboxRepository

logger = logging.getLogger(__name__)

_UNKNOWN_DISTRICT_M2 = 400e6


@dataclass(frozen=True, slots=True)
class Answer:
    """What a press comes to: a short answer on the button (``toast``), the announcement's new
    text and buttons (to edit it in place), a message to send beside it."""

    toast: str
    text: str | None = None
    markup: dict[str, Any] | None = None
    reply: str | None = None


class ClusterService:
    """Finds, keeps and announces the clusters; answers their buttons."""

    def __init__(self, config: Config, db: Database, areas: AreaMap) -> None:
        """Use the configuration, the open database and the configured areas."""
        self._config = config
        self._settings = config.clusters
        self._db = db
        self._repo = ClusterRepository(db)
        self._outbox = OutboxRepository(db)
        self._areas = areas
        self._zone = ZoneInfo(config.partnership.timezone)
        shapes = {shape.id: float(shape.geometry.area) for shape in areas.shapes}
        self._geography = Geography(
            projection=areas.projection,
            # Without configured areas the district's size is not known: the district rate is
            # then spread over this (a district of 400 km², larger than most), which errs quiet.
            district_m2=sum(shapes.values()) or _UNKNOWN_DISTRICT_M2,
            area_m2=shapes,
        )

    def watched(self) -> tuple[str, ...]:
        """The categories watched (config order)."""
        chosen = set(self._settings.categories)
        return tuple(c.id for c in self._config.categories if not chosen or c.id in chosen)

    # -- scanning

    async def scan(self, now: datetime, categories: tuple[str, ...] | None = None) -> int:
        """Look for clusters of the watched categories (or of these); announce what is new and
        update what grew. Returns how many clusters were found or grew."""
        if not self._settings.enabled:
            return 0
        changed = 0
        for category in categories or self.watched():
            if category in self.watched():
                changed += await self._scan_one(category, now)
        return changed

    async def _scan_one(self, category: str, now: datetime) -> int:
        settings = self._settings
        window_start = now - timedelta(days=settings.window_days)
        # A report stored in this second is in the window: its end is just after now.
        end = now + timedelta(microseconds=1)
        window = await self._repo.points(category, window_start, end)
        if len(window) < settings.min_count:
            return 0
        history = await self._repo.points(
            category, now - timedelta(weeks=settings.history_weeks), window_start
        )
        findings = scan(
            category,
            window,
            history,
            now=now,
            history_since=await self._repo.first_report_at(),
            settings=settings,
            geography=self._geography,
        )
        changed = 0
        async with self._db.transaction():
            active = await self._repo.active(category, window_start)
            for finding in findings:
                changed += await self._keep(finding, active, now)
        return changed

    async def _keep(self, finding: NewCluster, active: list[StoredCluster], now: datetime) -> int:
        """Store a finding as a new cluster or as the growth of the one it continues."""
        same = next((c for c in active if _continues(finding, c, self._geography)), None)
        if same is None:
            muted = await self._repo.muted_until(finding.category, finding.area_id, now)
            cluster_id = await self._repo.create(finding, now=now, muted=muted is not None)
            stored = await self._repo.get(cluster_id)
            if stored is None:
                return 0
            active.append(stored)
            if muted is None:
                await self._announce(stored, now)
            logger.info(
                "cluster %d found: %s, %d reports (%.2f usual)%s",
                cluster_id,
                finding.category,
                finding.count,
                finding.expected,
                " (muted)" if muted else "",
            )
            return 1
        joined = tuple(sorted({*same.report_ids, *finding.report_ids}))
        if len(joined) <= same.count:
            return 0
        grown_to = replace(
            finding, report_ids=joined, first_at=min(finding.first_at, same.first_at)
        )
        await self._repo.grow(same.id, grown_to, now=now)
        grown = await self._repo.get(same.id)
        if grown is None:
            return 0
        active[active.index(same)] = grown
        if (
            not grown.muted
            and await self._repo.muted_until(grown.category, grown.area_id, now) is None
        ):
            await self._update(grown, now)
        logger.info("cluster %d grew to %d reports", grown.id, grown.count)
        return 1

    # -- announcing

    def _sensitive(self, category_id: str) -> bool:
        category = self._config.category(category_id)
        return category is not None and category.sensitive

    async def _targets(self, cluster: StoredCluster) -> list[str]:
        """Who hears of it: the admins (not for a sensitive category) and, where config says
        (always for a sensitive category), the chats of the agencies its reports went to."""
        sensitive = self._sensitive(cluster.category)
        found = [] if sensitive else list(admin_targets(self._config))
        if sensitive or self._settings.tell_agencies:
            for agency_id in await self._repo.agencies(cluster.report_ids):
                if any(a.id == agency_id for a in self._config.agencies):
                    chat = str(self._config.agency(agency_id).chat_id)
                    if chat not in found:
                        found.append(chat)
        return found

    async def _text(
        self, cluster: StoredCluster, reports: list[ClusterReport] | None = None
    ) -> str:
        """The announcement's text, from the cluster's reports (read when not given)."""
        category = self._config.category(cluster.category)
        sensitive = self._sensitive(cluster.category)
        if reports is None:
            reports = await self._repo.reports(cluster.report_ids)
        return texts.announcement(
            cluster,
            category=category.name if category else cluster.category,
            place=self._place(
                cluster, reports_text=[r.location_text for r in reports], sensitive=sensitive
            ),
            zone=self._zone,
            window_days=self._settings.window_days,
            history_weeks=self._settings.history_weeks,
            sensitive=sensitive,
            refs=[r.ref for r in reports],
        )

    def _place(
        self, cluster: StoredCluster, *, reports_text: list[str | None], sensitive: bool
    ) -> str:
        """The place in words: the area; for a spot (not sensitive) the words of a report in it
        too."""
        area = self._area_name(cluster.area_id)
        if cluster.scope == "area" or sensitive:
            return area
        words = next((t for t in reversed(reports_text) if t), None)
        return f"{words} ({area})" if words and area not in words else words or area

    def _area_name(self, area_id: str | None) -> str:
        if area_id is not None and area_id in self._areas:
            return self._areas.name(area_id)
        return "the district" if area_id is None else area_id

    def _buttons(self, cluster: StoredCluster) -> dict[str, Any]:
        def button(text: str, action: buttons.ClusterActionName, days: int = 0) -> dict[str, str]:
            pressed = buttons.ClusterAction(action, cluster.id, days)
            return {"text": text, "callback_data": buttons.encode(pressed)}

        rows = [] if cluster.acknowledged_at is not None else [[button(texts.ACKNOWLEDGE, "ack")]]
        rows.append([button(texts.mute_button(d), "mute", d) for d in self._settings.mute_days])
        rows.append([button(texts.LIST, "list")])
        return {"inline_keyboard": rows}

    def _picture(self, cluster: StoredCluster, reports: list[ClusterReport]) -> bytes | None:
        """The small map of a spot's reports (none for a sensitive category or an area)."""
        if cluster.scope != "spot" or self._sensitive(cluster.category):
            return None
        if cluster.latitude is None or cluster.longitude is None or not self._areas.shapes:
            return None
        points = [
            (r.latitude, r.longitude)
            for r in reports
            if r.latitude is not None and r.longitude is not None
        ]
        category = self._config.category(cluster.category)
        title = f"{category.name if category else cluster.category}: {cluster.count} reports"
        return cluster_map(
            points,
            (cluster.latitude, cluster.longitude),
            cluster.radius_m or 500,
            self._areas,
            title,
        )

    async def _announce(self, cluster: StoredCluster, now: datetime) -> None:
        """The map (for a spot) and the announcement with its buttons, to each target, once."""
        reports = await self._repo.reports(cluster.report_ids)
        text = await self._text(cluster, reports)
        markup = self._buttons(cluster)
        picture = self._picture(cluster, reports)
        for target in await self._targets(cluster):
            if picture is not None:
                await self._outbox.enqueue(
                    PHOTO,
                    target,
                    {"png": base64.b64encode(picture).decode("ascii")},
                    dedupe_key=f"cluster:{cluster.id}:{target}:map",
                    now=now,
                )
            await self._outbox.enqueue(
                MESSAGE,
                target,
                {
                    "text": text,
                    "parse_mode": "HTML",
                    "reply_markup": markup,
                    "disable_web_page_preview": True,
                },
                dedupe_key=_message_key(cluster.id, target),
                now=now,
            )
        await self._repo.mark_shown(cluster.id, cluster.count)

    async def _update(self, cluster: StoredCluster, now: datetime) -> None:
        """The announcements already sent, edited to the cluster's new count (one not sent yet
        is edited by a later scan, once it is)."""
        text = await self._text(cluster)
        markup = self._buttons(cluster)
        shown = False
        for target in await self._targets(cluster):
            sent = await self._outbox.sent_message(_message_key(cluster.id, target))
            if sent is None:
                continue
            await self._outbox.enqueue(
                EDIT,
                target,
                {
                    "message_id": sent.message_id,
                    "text": text,
                    "parse_mode": "HTML",
                    "reply_markup": markup,
                    "disable_web_page_preview": True,
                },
                dedupe_key=f"cluster:{cluster.id}:{target}:edit:{cluster.count}",
                now=now,
            )
            shown = True
        if shown:
            await self._repo.mark_shown(cluster.id, cluster.count)

    # -- the buttons

    async def press(
        self,
        cluster_id: int,
        action: buttons.ClusterActionName,
        days: int,
        *,
        name: str,
        is_admin: bool,
        agencies: list[str],
        now: datetime,
    ) -> Answer:
        """A press by someone called ``name`` (an admin, or an officer of these agencies)."""
        cluster = await self._repo.get(cluster_id)
        if cluster is None:
            return Answer(texts.GONE)
        routed = await self._repo.agencies(cluster.report_ids)
        if not is_admin and not set(agencies) & set(routed):
            return Answer(texts.NOT_YOURS)
        if self._sensitive(cluster.category) and not set(agencies) & set(routed):
            return Answer(texts.NOT_YOURS)  # a sensitive cluster is its agencies' alone
        category = self._config.category(cluster.category)
        category_name = category.name if category else cluster.category
        place = self._area_name(cluster.area_id)
        if action == "ack":
            if not await self._repo.acknowledge(cluster.id, by=name, at=now):
                return Answer(texts.ALREADY.format(who=cluster.acknowledged_by or "someone"))
            acknowledged = await self._repo.get(cluster.id)
            if acknowledged is None:
                return Answer(texts.GONE)
            return Answer(
                texts.ACKNOWLEDGED,
                text=await self._text(acknowledged),
                markup=self._buttons(acknowledged),
            )
        if action == "mute":
            if days not in self._settings.mute_days:
                return Answer(texts.GONE)
            until = now + timedelta(days=days)
            await self._repo.mute(cluster.category, cluster.area_id, until=until, by=name, at=now)
            logger.info("clusters of %s muted in %s for %d days", cluster.category, place, days)
            return Answer("Muted.", reply=texts.muted(category_name, place, until, self._zone))
        reports = await self._repo.reports(cluster.report_ids)
        return Answer("The list.", reply=texts.listing(category_name, place, reports, self._zone))


def _message_key(cluster_id: int, target: str) -> str:
    return f"cluster:{cluster_id}:{target}:message"


def _continues(finding: NewCluster, cluster: StoredCluster, geography: Geography) -> bool:
    """Whether a finding is the same cluster as one kept: the same category and kind of place,
    and (an area) the same area, or (a spot) a report in common or its centre within the
    radius."""
    if finding.category != cluster.category or finding.scope != cluster.scope:
        return False
    if finding.scope == "area":
        return finding.area_id == cluster.area_id
    if set(finding.report_ids) & set(cluster.report_ids):
        return True
    if (
        finding.latitude is None
        or finding.longitude is None
        or cluster.latitude is None
        or cluster.longitude is None
        or cluster.radius_m is None
    ):
        return False
    distance = geography.projection.distance_m(
        (finding.latitude, finding.longitude), (cluster.latitude, cluster.longitude)
    )
    return distance <= cluster.radius_m
