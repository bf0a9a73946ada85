"""The page's map, files from disk and the agencies' inboxes, through the page's routes on a
running sandbox (the real bot as its child process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import default_config_data
from bot.emulator.images import make_png
from bot.sandbox import texts
from bot.sandbox.district_map import Projection
from bot.sandbox.uploads import MAX_BYTES
from tests.support.configs import agency_data, write_config_data

from .page import PagePerson, Sandbox, running_sandbox

RESIDENT = 100_001
OTHER_RESIDENT = 100_002
WASTE_OFFICER = 910_001
WASTE_CHAT = -1001000000001
CLOCK_TOWER = (51.7526, -0.3392)  # St Albans Clock Tower, as the gazetteer has it
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64  # a JPEG's first bytes
SECRET_ENV = "SANDBOX_INBOX_TEST_SECRET"


def _projection(shown: dict[str, Any]) -> Projection:
    return Projection(**shown["projection"])


async def _upload(
    sandbox: Sandbox, user: int, content: bytes, name: str, mime: str, send_as: str | None = None
) -> Any:
    data = {"chat_id": str(user)} | ({"as": send_as} if send_as else {})
    return await sandbox.http.post(
        f"/api/people/{user}/upload", data=data, files={"file": (name, content, mime)}
    )


async def _to_the_map_step(sam: PagePerson) -> None:
    await sam.say("/report", until="is anyone in danger")
    for button in ("No, nobody is in danger", "Fly tipping", "Tyres", "Done"):
        await sam.press(button)
    for button in ("A car boot load", "Park or open space", "No"):
        await sam.press(button)
    await sam.wait_for("Where is it?")


async def test_a_point_clicked_on_the_map_is_a_location_and_a_photo_from_disk_is_taken(
    tmp_path: Path,
) -> None:
    """The map is the district's outline and wards; a point found by inverting the map's own
    projection of the Clock Tower, sent as the page sends a click, is taken by the bot as the
    report's place. A PNG and a JPEG from disk go as photos (the bot counts them), and are
    served back with their own types; a file sent as a file is a download."""
    async with running_sandbox(write_config_data(tmp_path, default_config_data())) as sandbox:
        shown = await sandbox.get("/api/map")
        assert shown["drawn_from"] == "boundaries"
        assert shown["district"].startswith("M")
        assert len(shown["wards"]) == 20
        assert "Open Government Licence" in shown["attribution"]
        projection = _projection(shown)
        x, y = projection.to_map(*CLOCK_TOWER)
        assert 0 < x < shown["width"]
        assert 0 < y < shown["height"]
        latitude, longitude = projection.to_lat_lon(x, y)

        sam = PagePerson(sandbox, RESIDENT)
        await _to_the_map_step(sam)
        point = {"latitude": round(latitude, 5), "longitude": round(longitude, 5)}
        sent = await sandbox.post(f"/api/people/{RESIDENT}/send", {"location": point})
        assert sent.status_code == 200, sent.text
        await sam.wait_for("When did it happen", sent.json()["message_id"])
        place = next(m for m in await sam.messages() if "place" in m)["place"]
        assert (place["latitude"], place["longitude"]) == (point["latitude"], point["longitude"])

        await sam.press("Now or just now", until="Describe what you saw")
        await sam.press("Skip", until="Photos help")
        for number, (content, name, mime) in enumerate(
            [(make_png(), "tyres.png", "image/png"), (JPEG, "verge.jpg", "image/jpeg")], start=1
        ):
            response = await _upload(sandbox, RESIDENT, content, name, mime)
            assert response.status_code == 200, response.text
            await sam.wait_for(f"Photo {number} added", response.json()["message_id"])
        photos = [m["photo"] for m in await sam.messages() if "photo" in m]
        served = [await sandbox.http.get(f"/api/files/{file_id}") for file_id in photos]
        assert [r.headers["content-type"] for r in served] == ["image/png", "image/jpeg"]
        assert served[1].content == JPEG

        response = await _upload(sandbox, RESIDENT, b"a,b\n1,2\n", "notes.csv", "text/csv")
        assert response.status_code == 200, response.text
        document = next(m for m in await sam.messages() if "document" in m)["document"]
        assert document["name"] == "notes.csv"
        download = await sandbox.http.get(f"/api/files/{document['file_id']}?name=notes.csv")
        assert download.headers["content-type"].startswith("text/csv")
        assert download.headers["content-disposition"] == 'attachment; filename="notes.csv"'
        assert download.content == b"a,b\n1,2\n"


async def test_bad_points_and_files_get_a_sentence_and_lose_nothing(tmp_path: Path) -> None:
    """A point off the Earth, a file of 20 MB, a text file sent as a photo and an empty file
    are refused with their sentences; the resident's chat still works afterwards."""
    async with running_sandbox(write_config_data(tmp_path, default_config_data())) as sandbox:
        for point in ({"latitude": 95, "longitude": 0}, {"latitude": "x"}, {"latitude": 1}):
            response = await sandbox.post(f"/api/people/{RESIDENT}/send", {"location": point})
            assert (response.status_code, response.json()["error"]) == (400, texts.BAD_LOCATION)
        too_big = texts.FILE_TOO_BIG.format(megabytes=20)
        cases = [
            (b"\xff\xd8\xff" + b"\x00" * MAX_BYTES, "huge.jpg", "image/jpeg", None, 413, too_big),
            (b"hello", "hello.txt", "text/plain", "photo", 400, texts.NOT_AN_IMAGE),
            (b"", "empty.png", "image/png", None, 400, texts.EMPTY_FILE),
        ]
        for content, name, mime, send_as, status, sentence in cases:
            response = await _upload(sandbox, RESIDENT, content, name, mime, send_as)
            assert (response.status_code, response.json()["error"]) == (status, sentence)
        assert await PagePerson(sandbox, RESIDENT).messages() == []
        await PagePerson(sandbox, RESIDENT).say("/start", until="")


async def test_the_agencys_inbox_shows_its_caught_mail_and_webhook_calls_live(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """With e-mail and a webhook configured for the waste team, its officer has an inbox chat:
    after a report the page hears "inbox", the entry counts unread, and it holds the e-mail
    (subject and plain body) and the Open311 call. A resident may not read it."""
    monkeypatch.delenv(SECRET_ENV, raising=False)
    data: dict[str, Any] = default_config_data()
    waste = agency_data(data, "sadc-waste")
    waste["email"] = "waste@example.org"
    waste["webhook_url"] = "https://backoffice.example.org/open311"
    waste["webhook_secret_env"] = SECRET_ENV
    data["smtp"] = {"host": "smtp.example.org", "port": 587, "sender": "bot@example.org"}
    async with running_sandbox(write_config_data(tmp_path, data)) as sandbox:
        chats = await sandbox.get(f"/api/people/{WASTE_OFFICER}/chats")
        inbox = next(c for c in chats if c["kind"] == "inbox")
        assert inbox["chat_id"] == "inbox:sadc-waste"
        assert inbox["unread"] == 0
        sam = PagePerson(sandbox, RESIDENT)
        await _to_the_map_step(sam)
        await sam.share_place("St Albans Clock Tower", until="When did it happen")
        await sam.press("Now or just now", until="Describe what you saw")
        await sam.press("Skip", until="Photos help")
        await sam.press("No photos", until="keep you updated")
        await sam.press("Keep me updated here", until="Please check your report")
        await sam.press("Submit report", until="Your reference")

        async def both() -> list[Any] | None:
            letters = (await sandbox.get(f"/api/people/{WASTE_OFFICER}/inbox/sadc-waste"))[
                "letters"
            ]
            return letters if {x["kind"] for x in letters} == {"email", "webhook"} else None

        await sandbox.events.until(
            lambda: any(e["kind"] == "inbox" for e in sandbox.events.received), "inbox event"
        )
        letters = await sandbox.events.until(both, "the e-mail and the webhook call")
        email = next(x for x in letters if x["kind"] == "email")
        assert "fly" in email["subject"].lower()
        assert "Clock Tower" in email["body"] or "St Albans" in email["body"]
        assert "<" not in email["subject"]
        webhook = next(x for x in letters if x["kind"] == "webhook")
        assert webhook["subject"].startswith("Open311 service request")
        chats = await sandbox.get(f"/api/people/{WASTE_OFFICER}/chats")
        assert next(c for c in chats if c["kind"] == "inbox")["unread"] == 0  # just read
        refused = await sandbox.http.get(f"/api/people/{RESIDENT}/inbox/sadc-waste")
        assert (refused.status_code, refused.json()["error"]) == (403, texts.NOT_YOUR_CHAT)
        resident_chats = await sandbox.get(f"/api/people/{OTHER_RESIDENT}/chats")
        assert all(c["kind"] != "inbox" for c in resident_chats)
