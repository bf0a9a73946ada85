"""Reports whose outbox items were recorded before the outbox composed them in one place.

``compose_before.json`` holds what the commit before that change enqueued for these cases
(kind, target, payload as stored, dedupe key, in order); the tests compare today's items with
it, so that an item queued across the upgrade is neither changed nor sent twice. This module
imports nothing that moved, so the same cases can be run against the older code: the file
was written at commit 497ab04 from ``alerts(...) + channel_items(...)`` for each case, and
``alerts(..., (REFERRED_TO,))`` for the referrals, each item as ``storage.jsontext.dumps``
stores its payload.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Category, Config, config_from_data, default_config_data
from bot.routing.rules import Routing, route
from storage.reports import Report
from tests.support.configs import category_data

RECORDED = Path(__file__).with_name("fixtures") / "compose_before.json"
NOW = datetime(2026, 11, 27, 22, 5, tzinfo=UTC)
# Agencies given an e-mail address and a webhook on top of their Telegram chat.
WITH_CHANNELS = ("sadc-waste", "herts-police-hate", "network-rail")
# The land question's title when the items were recorded.
RECORDED_LAND_QUESTION = "Where is it?"


def config() -> Config:
    """The shipped config as it was when the items were recorded (the fly-tipping land
    question was then titled "Where is it?"), with e-mail and a webhook for the agencies in
    WITH_CHANNELS."""
    data = default_config_data()
    land = [q for q in category_data(data, "fly-tipping")["questions"] if q["id"] == "land"]
    land[0]["text"] = RECORDED_LAND_QUESTION
    shipped = config_from_data(data, base_dir=Path("."))
    agencies = tuple(
        agency.model_copy(
            update={
                "email": f"{agency.id}@example.org",
                "webhook_url": f"https://{agency.id}.example.org/open311",
                "webhook_secret_env": "HOOK_SECRET",
            }
        )
        if agency.id in WITH_CHANNELS
        else agency
        for agency in shipped.agencies
    )
    return shipped.model_copy(update={"agencies": agencies})


def _report(category: str, answers: dict[str, Any], **changes: Any) -> Report:
    values: dict[str, Any] = {
        "id": 41,
        "ref": "K7M4QR",
        "category": category,
        "answers": answers,
        "description": 'Bags & a <b>sofa</b> "dumped"\nby the gate \u2014 caf\u00e9',
        "latitude": 51.7527,
        "longitude": -0.3394,
        "location_text": "Clarence Park <east>, near St Albans",
        "ward": "Clarence",
        "outside_district": False,
        "needs_location_check": False,
        "occurred_at": datetime(2026, 11, 27, 21, 40, tzinfo=UTC),
        "created_at": NOW,
        "reporter_chat_id": 42,
        "anonymous": False,
        "contact_phone": None,
        "priority": "normal",
        "status": "received",
        "photos": ("file-1", "file-2"),
    }
    values.update(changes)
    return Report(**values)


def cases(cfg: Config) -> dict[str, tuple[Report, Category, Routing]]:
    """Each case by name: the stored report, its category and its routing."""
    reports = {
        "fly-tipping on railway land, with photos": _report(
            "fly-tipping",
            {"waste": ["tyres", "hazardous"], "amount": "car-boot", "land": "railway"},
            priority="urgent",
        ),
        "hate incident (sensitive)": _report(
            "hate-incident", {}, anonymous=True, reporter_chat_id=None, photos=("file-9",)
        ),
        "graffiti at the edge, no point, no photos": _report(
            "graffiti",
            {},
            id=42,
            latitude=None,
            longitude=None,
            description="",
            photos=(),
            needs_location_check=True,
            occurred_at=None,
        ),
        "fly-tipping outside the district": _report(
            "fly-tipping", {"amount": "single"}, id=43, outside_district=True, ward=None
        ),
    }
    found = {}
    for name, report in reports.items():
        category = cfg.category(report.category)
        assert category is not None, report.category
        routing = route(cfg, category, report.answers, report.ward, report.created_at)
        found[name] = (report, category, routing)
    return found


# The agency each case's report is referred to, in the referral cases.
REFERRED_TO = "sadc-asb"
