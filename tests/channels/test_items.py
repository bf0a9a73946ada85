"""What e-mail and webhook agencies receive for a new report, or one referred to them: facts,
redaction, safe text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Category, Config, config_from_data, default_config_data
from bot.outbox import facts
from bot.outbox.compose import new_report_items, referral_items
from bot.outbox.email.items import SENSITIVE_LINE
from bot.outbox.items import TELEGRAM_KINDS, Outgoing
from bot.outbox.webhook.sender import encode
from bot.routing.rules import Routing, route
from storage.reports import Report
from tests.support.configs import agency_data

CHANNELS = {
    "email": "waste@example.org",
    "webhook_url": "https://backoffice.example.org/open311",
    "webhook_secret_env": "WASTE_HOOK",
}
SMTP = {"host": "127.0.0.1", "sender": "safetybot@example.org"}
ODD = '<b>Bags</b> & "tyres" by the <script>alert(1)</script> gate\nsecond line \u2014 caf\u00e9'
NOW = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def config() -> Config:
    """The shipped config with e-mail and a webhook for waste and the hate crime team."""
    data = default_config_data()
    for agency in ("sadc-waste", "herts-police-hate"):
        agency_data(data, agency).update(CHANNELS)
    data["smtp"] = dict(SMTP)
    return config_from_data(data, base_dir=Path("."))


def report(category: str, **changes: object) -> Report:
    """A stored report as the repository returns it."""
    values: dict[str, object] = {
        "id": 7,
        "ref": "K7QX4M",
        "category": category,
        "answers": {"waste": ["tyres"], "amount": "car-boot"},
        "description": ODD,
        "latitude": 51.7527,
        "longitude": -0.3394,
        "location_text": "Clarence Park <east>",
        "ward": "Clarence",
        "outside_district": False,
        "needs_location_check": False,
        "occurred_at": NOW,
        "created_at": NOW,
        "reporter_chat_id": None,
        "anonymous": True,
        "contact_phone": None,
        "priority": "normal",
        "status": "new",
        "photos": ("file-1",),
    }
    values.update(changes)
    return Report(**values)  # type: ignore[arg-type]


def channel_items(
    config: Config, stored: Report, category: Category, routing: Routing
) -> list[Outgoing]:
    """The e-mails and webhook calls among everything composed for a new report."""
    items = new_report_items(config, stored, category, routing)
    return [item for item in items if item.kind not in TELEGRAM_KINDS]


def items_for(config: Config, stored: Report) -> dict[str, dict[str, object]]:
    """The channel items for ``stored``, by kind (one agency has channels in each case)."""
    category = config.category(stored.category)
    assert category is not None
    routing = route(config, category, stored.answers, stored.ward, NOW)
    items = channel_items(config, stored, category, routing)
    assert len({i.kind for i in items}) == len(items) == 2, items
    return {i.kind: {"target": i.target, "key": i.dedupe_key, **i.payload} for i in items}


def test_fly_tipping_email_carries_the_cards_facts_in_plain_text(config: Config) -> None:
    """The e-mail names the reference, answers, place, map, description and targets; what
    the resident typed is kept as typed (plain text: nothing to escape, nothing run)."""
    email = items_for(config, report("fly-tipping"))["email"]
    assert (email["target"], email["to"]) == ("waste@example.org", "waste@example.org")
    assert email["key"] == "email:7:sadc-waste"
    assert email["subject"] == "Normal: new fly tipping report K7QX4M"
    body = str(email["body"])
    assert "Reference: K7QX4M" in body
    assert "Tyres" in body
    assert "Area: Clarence Park <east>, Clarence" in body
    assert "mlat=51.75270&mlon=-0.33940" in body
    assert f"Description: {ODD}" in body
    assert "&amp;" not in body
    assert "Photos: 1" in body
    assert "Acknowledge by" in body


def test_fly_tipping_webhook_is_an_open311_request(config: Config) -> None:
    """The body has GeoReport v2's fields, the answers as attributes, and no media_url; odd
    characters survive a JSON round trip unchanged."""
    hook = items_for(config, report("fly-tipping"))["webhook"]
    assert hook["key"] == "webhook:7:sadc-waste"
    assert hook["url"] == hook["target"] == "https://backoffice.example.org/open311"
    assert hook["secret_env"] == "WASTE_HOOK"
    body = hook["body"]
    assert isinstance(body, dict)
    assert body["service_code"] == "fly-tipping"
    assert body["service_name"] == "Fly tipping"
    assert body["service_request_id"] == "K7QX4M"
    assert body["status"] == "open"
    assert body["requested_datetime"] == "2024-05-01T09:30:00+00:00"
    assert (body["lat"], body["long"]) == (51.7527, -0.3394)
    assert body["address_string"] == "Clarence Park <east>, Clarence"
    assert body["description"] == ODD
    assert "media_url" not in body
    assert "Tyres" in body["attributes"]["waste"]
    assert json.loads(encode(body)) == body


def test_sensitive_report_carries_no_details(config: Config) -> None:
    """A hate incident's e-mail and webhook say the reference, category, area and priority
    only: no description, answers, point or photos."""
    stored = report("hate-incident", answers={}, description="Names and a licence plate")
    sent = items_for(config, stored)
    body = str(sent["email"]["body"])
    lines = body.splitlines()
    assert lines[:3] == [
        "Reference: K7QX4M",
        "Category: Hate incident",
        "Area: Clarence Park <east>, Clarence",
    ]
    assert lines[3].startswith("Priority: ")
    assert SENSITIVE_LINE in body
    assert "licence plate" not in body
    assert "mlat" not in body
    request = sent["webhook"]["body"]
    assert isinstance(request, dict)
    assert set(request) == {
        "service_request_id",
        "service_code",
        "service_name",
        "status",
        "priority",
        "requested_datetime",
        "address_string",
    }


@pytest.mark.parametrize("category_id", ["fly-tipping", "hate-incident"])
def test_a_referral_reaches_every_channel_and_names_who_referred_it(
    config: Config, category_id: str
) -> None:
    """An agency a report is referred to gets its Telegram alert, e-mail and webhook call, as
    for a new report; the e-mail's subject and first line and the Open311 request's
    ``status_notes`` name the agency that referred it, and the request is otherwise the new
    report's, in GeoReport v2's own fields (a sensitive one still without details)."""
    category = config.category(category_id)
    assert category is not None
    stored = report(category_id, answers={}) if category.sensitive else report(category_id)
    routing = route(config, category, stored.answers, stored.ward, NOW)
    items = referral_items(
        config, stored, category, routing, ("sadc-waste",), referred_by="sadc-asb"
    )
    by_kind = {item.kind: item for item in items}
    assert items[0].kind == "message"
    assert {"message", "email", "webhook"} <= set(by_kind)
    email, hook = by_kind["email"], by_kind["webhook"]
    referrer = config.agency("sadc-asb").name
    assert email.target == "waste@example.org"
    assert email.dedupe_key == "email:7:sadc-waste"
    assert email.payload["subject"].endswith(f"report K7QX4M referred by {referrer}")
    assert str(email.payload["body"]).splitlines()[0] == (
        f"{referrer} has referred this report to you."
    )
    new = {i.kind: i for i in new_report_items(config, stored, category, routing)}
    body = dict(hook.payload["body"])
    assert body.pop("status_notes") == f"Referred by {referrer}."
    assert body.pop("agency_responsible") == config.agency("sadc-waste").name
    assert body == new["webhook"].payload["body"]
    assert json.loads(encode(hook.payload["body"])) == hook.payload["body"]


def test_agencies_without_channels_get_no_items(config: Config) -> None:
    """Graffiti goes to street cleansing, which has only its Telegram chat."""
    category = config.category("graffiti")
    assert category is not None
    stored = report("graffiti", answers={})
    routing = route(config, category, {}, None, NOW)
    assert channel_items(config, stored, category, routing) == []


def test_priority_words_as_a_heading_and_in_a_sentence() -> None:
    """One table gives both forms: the card's and the e-mail's heading, and a reminder's
    words mid-sentence; a priority it does not know is said as stored."""
    assert [facts.PRIORITY_WORDS[p] for p in ("low", "normal", "high", "urgent")] == [
        "Low",
        "Normal",
        "HIGH",
        "URGENT",
    ]
    words = [facts.priority_in_sentence(p) for p in ("low", "normal", "high", "urgent", "odd")]
    assert words == ["low", "normal", "high", "URGENT", "odd"]
