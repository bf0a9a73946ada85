"""The sandbox's parts on plain data: messages as the page shows them, the derived
configuration, and who is in the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import config_from_data, default_config_data
from bot.geo import load_gazetteer
from bot.sandbox.district_map import district_map, map_point
from bot.sandbox.people import FIRST_RESIDENT_ID, groups, people
from bot.sandbox.render import reply_keyboard, view
from bot.sandbox.state import Catchers, Folder, derive_config
from tests.support.configs import agency_data, without_boundaries


def _record(message: dict[str, Any], *, from_bot: bool = True) -> dict[str, Any]:
    base = {"message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}}
    return {
        "message_id": 7,
        "from_bot": from_bot,
        "message": {**base, **message},
        "edits": [],
        "deleted": False,
        "reply_markup": message.get("reply_markup"),
    }


def test_message_html_escapes_text_and_keeps_only_safe_links() -> None:
    """Text is escaped, Telegram's formatting kept, and a javascript: link (as text link or
    button) dropped, so nothing a message holds can run in the page."""
    text = "<script>x</script> bold evil good"
    entities = [
        {"type": "bold", "offset": 19, "length": 4},
        {"type": "text_link", "offset": 24, "length": 4, "url": "javascript:alert(1)"},
        {"type": "text_link", "offset": 29, "length": 4, "url": "https://example.org/"},
    ]
    markup = {"inline_keyboard": [[{"text": "Go", "url": "javascript:alert(1)"}]]}
    shown = view(_record({"text": text, "entities": entities, "reply_markup": markup}), {})
    assert shown["html"] == (
        '&lt;script&gt;x&lt;/script&gt; <b>bold</b> evil <a href="https://example.org/">good</a>'
    )
    assert shown["inline_keyboard"] == [[{"text": "Go", "url": None}]]


def test_venues_and_locations_show_their_name_and_coordinates() -> None:
    """A venue shows its title, address and coordinates; a bare pin its coordinates."""
    venue = {
        "location": {"latitude": 51.75, "longitude": -0.34},
        "title": "Clock Tower",
        "address": "Market Place",
    }
    assert view(_record({"venue": venue, "location": venue["location"]}), {})["place"] == {
        "title": "Clock Tower",
        "address": "Market Place",
        "latitude": 51.75,
        "longitude": -0.34,
    }
    pin = view(_record({"location": {"latitude": 1.0, "longitude": 2.0}}), {})
    assert (pin["place"]["latitude"], pin["place"]["longitude"]) == (1.0, 2.0)


def test_the_reply_keyboard_is_the_last_one_the_bot_set() -> None:
    """A keyboard with a location button is offered until the bot removes it."""
    keyboard = {"keyboard": [[{"text": "Send my location", "request_location": True}], ["Skip"]]}
    set_it = _record({"text": "Where?", "reply_markup": keyboard})
    mine = _record({"text": "hi"}, from_bot=False)
    assert reply_keyboard([set_it, mine]) == [
        [{"text": "Send my location", "request_location": True, "request_contact": False}],
        [{"text": "Skip", "request_location": False, "request_contact": False}],
    ]
    removed = _record({"text": "Thanks", "reply_markup": {"remove_keyboard": True}})
    assert reply_keyboard([set_it, removed]) is None


def test_the_derived_config_keeps_everything_on_this_machine(tmp_path: Path) -> None:
    """The emulator's URL, polling, the sandbox's database, geocoding off, relative files
    resolved against the partnership's folder, e-mail and webhooks to the catchers; and the
    result is a valid configuration."""
    data = default_config_data()
    data["telegram"]["mode"] = "webhook"
    data["telegram"]["webhook"]["public_url"] = "https://bot.example.org"
    data["geography"]["gazetteer"] = "geo/places.csv"
    data["smtp"] = {
        "host": "smtp.example.org",
        "username": "bot",
        "password_env": "SMTP_PASSWORD",
        "sender": "bot@example.org",
    }
    waste = agency_data(data, "sadc-waste")
    waste["email"] = "waste@example.org"
    waste["webhook_url"] = "https://backoffice.example.org/open311"
    waste["webhook_secret_env"] = "WASTE_SECRET"
    folder = Folder(tmp_path / "sandbox")
    partnership = tmp_path / "partnership"
    catchers = Catchers(2525, "http://127.0.0.1:8765/catch/webhooks")

    derived = derive_config(data, partnership, folder, "http://127.0.0.1:9999", catchers)

    assert derived["telegram"]["api_url"] == "http://127.0.0.1:9999"
    assert derived["telegram"]["mode"] == "polling"
    assert derived["storage"]["database"] == str(folder.database)
    assert derived["geography"]["geocoding"]["enabled"] is False
    assert derived["geography"]["gazetteer"] == str(partnership / "geo" / "places.csv")
    assert derived["geography"]["district_boundary"].startswith("package:")
    assert derived["smtp"] == {
        "host": "127.0.0.1",
        "port": 2525,
        "starttls": False,
        "sender": "bot@example.org",
    }
    assert (
        agency_data(derived, "sadc-waste")["webhook_url"] == f"{catchers.webhook_base}/sadc-waste"
    )
    assert data["telegram"]["mode"] == "webhook"  # the partnership's data is left as it was
    config = config_from_data(derived, base_dir=tmp_path / "elsewhere")
    assert config.storage.database == folder.database


def test_people_and_groups_have_the_configurations_ids() -> None:
    """Officers and admins keep their configured ids, residents get ids nobody has, and each
    agency's group (and the admins') has exactly the configured chat id and members."""
    data = default_config_data()
    agency_data(data, "sadc-asb")["officers"] = [FIRST_RESIDENT_ID]
    config = config_from_data(data, base_dir=Path("."))

    everyone = people(config)

    residents = [p.user_id for p in everyone if p.role == "resident"]
    assert FIRST_RESIDENT_ID not in residents
    assert len(residents) == len(set(residents)) == 2
    officers = {p.user_id for p in everyone if p.role == "officer"}
    assert officers == {o for a in config.agencies for o in a.officers} - set(
        config.admins.user_ids
    )
    assert [p.user_id for p in everyone if p.role == "admin"] == list(config.admins.user_ids)
    chats = {g.chat_id: g.members for g in groups(config)}
    expected: dict[int | None, tuple[int, ...]] = {
        **{a.chat_id: a.officers for a in config.agencies},
        config.admins.chat_id: config.admins.user_ids,
    }
    assert chats == expected


def test_without_boundary_files_the_map_is_the_gazetteers_places_and_postcodes() -> None:
    """With the boundary files removed from the config, the map is a dot map of the shipped
    postcode units, with the district's towns marked and named; every place marked lies on
    the map and is found again by inverting the map's projection."""
    config = config_from_data(without_boundaries(default_config_data()), base_dir=Path.cwd())
    gazetteer = load_gazetteer(config.geography.gazetteer, config.geography.postcodes)
    shown = district_map(config.geography, gazetteer)
    assert shown.drawn_from == "gazetteer"
    assert shown.district is None
    assert shown.wards == ()
    assert shown.postcodes is not None
    assert shown.postcodes.count("M") > 1000
    assert {"St Albans", "Harpenden"} <= {m.name for m in shown.places if m.labelled}
    by_name = {p.name: p for p in gazetteer.places}
    for mark in shown.places:
        assert 0 <= mark.x <= shown.width
        assert 0 <= mark.y <= shown.height
        latitude, longitude = shown.projection.to_lat_lon(mark.x, mark.y)
        place = by_name[mark.name]
        assert abs(latitude - place.latitude) < 0.001
        assert abs(longitude - place.longitude) < 0.001


def test_a_clicked_point_must_be_on_the_earth() -> None:
    """The page's point is read as numbers in range, or refused."""
    assert map_point({"latitude": "51.75", "longitude": -0.34}) == (51.75, -0.34)
    for bad in ({"latitude": 91, "longitude": 0}, {"latitude": "nan", "longitude": 0},
                {"latitude": 1}, None, "51,0"):  # fmt: skip
        assert map_point(bad) is None
