"""The agencies' alert cards: complete for ordinary reports, redacted for sensitive ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import default_config_text, parse_config
from bot.outbox.telegram.items import alerts, card
from bot.routing.rules import route
from storage.reports import Report

CONFIG = parse_config(default_config_text(), base_dir=Path("."))
NOW = datetime(2026, 11, 27, 22, 5, tzinfo=UTC)


def _report(category: str, answers: dict[str, object], **extra: object) -> Report:
    fields: dict[str, object] = {
        "id": 7,
        "ref": "K7M-4QR",
        "category": category,
        "answers": answers,
        "description": 'Bins & a <b>sofa</b> "dumped"',
        "latitude": 51.7527,
        "longitude": -0.3394,
        "location_text": "Shared location",
        "ward": "St Peters",
        "outside_district": False,
        "needs_location_check": False,
        "occurred_at": NOW,
        "created_at": NOW,
        "reporter_chat_id": 42,
        "anonymous": False,
        "contact_phone": None,
        "priority": "urgent",
        "status": "received",
        "photos": ("file-1", "file-2"),
    }
    fields.update(extra)
    return Report(**fields)  # type: ignore[arg-type]


def test_card_has_everything_and_escapes_resident_text() -> None:
    """A fly-tipping card lists the answers, the escaped description, the map and the targets,
    followed by the pin and the photos."""
    category = CONFIG.category("fly-tipping")
    assert category is not None
    answers = {"waste": ["hazardous"], "amount": "car-boot", "land": "road", "seen": "no"}
    report = _report("fly-tipping", answers)
    routing = route(CONFIG, category, answers, "St Peters", NOW)
    items = alerts(CONFIG, report, category, routing)
    assert [i.kind for i in items] == ["message", "location", "photo", "photo"]
    assert {i.target for i in items} == {"-1001000000001"}
    text = str(items[0].payload["text"])
    assert text.startswith("<b>URGENT: new fly tipping report K7M-4QR</b>")
    assert "Bins &amp; a &lt;b&gt;sofa&lt;/b&gt; &quot;dumped&quot;" in text
    assert "Asbestos, chemicals, needles or drums" in text
    assert "openstreetmap.org/?mlat=51.75270&amp;mlon=-0.33940" in text
    assert "Acknowledge by Sat 28 Nov 22:05" in text  # UK time in winter is UTC
    assert len({i.dedupe_key for i in items}) == len(items)


def test_sensitive_card_carries_no_details() -> None:
    """A hate incident's card has the reference, area and priority only: no answers, no
    description, no pin, no photos."""
    category = CONFIG.category("hate-incident")
    assert category is not None
    answers = {"what": ["verbal"], "motivation": ["religion"], "ongoing": "no"}
    report = _report("hate-incident", answers, description="He shouted at my daughter")
    routing = route(CONFIG, category, answers, "St Peters", NOW)
    items = alerts(CONFIG, report, category, routing)
    assert [i.kind for i in items] == ["message"]
    text = card(CONFIG, report, category, CONFIG.agency("herts-police-hate"), routing)
    assert "K7M-4QR" in text
    assert "St Peters" in text
    for detail in ("daughter", "Religion", "Verbal", "openstreetmap"):
        assert detail not in text


async def test_forged_button_data_is_refused(tmp_path: Path) -> None:
    """Button data naming an agency the report was not routed to, or an agency the presser is
    not an officer of, changes nothing and is recorded as refused."""
    from bot.officers.service import OfficerService
    from storage.db import Database
    from storage.reports import NewReport, ReportRepository
    from storage.routings import RoutingRepository

    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        officers, reports = OfficerService(CONFIG, db), ReportRepository(db)
        report = await reports.create(
            NewReport(ref="K7M-4QR", category="fly-tipping", created_at=NOW), actor="resident"
        )
        await RoutingRepository(db).route_to(report.id, "sadc-waste", at=NOW)
        waste_officer, police_officer = 910001, 920001
        not_routed = await officers.acknowledge(report.id, "btp", 930001, "BTP", NOW)
        not_theirs = await officers.acknowledge(report.id, "sadc-waste", police_officer, "P", NOW)
        genuine = await officers.acknowledge(report.id, "sadc-waste", waste_officer, "W", NOW)
        replayed = await officers.acknowledge(report.id, "sadc-waste", waste_officer, "W", NOW)
        kinds = [e.kind for e in await reports.list_events(report.id)]
    assert (not_routed.allowed, not_theirs.allowed) == (False, False)
    assert (genuine.allowed, genuine.changed) == (True, True)
    assert (replayed.allowed, replayed.changed, replayed.state) == (True, False, "acknowledged")
    assert kinds == ["submitted", "refused", "acknowledged"]
