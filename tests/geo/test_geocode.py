"""The geocoder against a local fake Nominatim server, falling back to the gazetteer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from bot.config import Geography
from bot.geo import Geocoder, Locator

Handler = Callable[[web.Request], Awaitable[web.Response]]


async def answers(request: web.Request) -> web.Response:
    """Answer like Nominatim's jsonv2 search."""
    assert request.query["countrycodes"] == "gb"
    return web.json_response(
        [{"lat": "51.7504", "lon": "-0.3276", "display_name": "St Albans City, Victoria Street"}]
    )


async def fails(request: web.Request) -> web.Response:
    """Answer with a server error."""
    return web.Response(status=500, text="boom")


async def slow(request: web.Request) -> web.Response:
    """Answer after the client's timeout."""
    await asyncio.sleep(2)
    return web.json_response([])


async def empty(request: web.Request) -> web.Response:
    """Answer that nothing matched."""
    return web.json_response([])


async def serve(handler: Handler) -> tuple[web.AppRunner, int]:
    """A fake Nominatim on 127.0.0.1 and a free port."""
    app = web.Application()
    app.router.add_get("/search", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, int(port)


@pytest.fixture
async def geocoder_for(
    geography: Geography, approximate_locator: Locator
) -> AsyncIterator[Callable[[Handler], Awaitable[Geocoder]]]:
    """Make geocoders pointed at fake servers, closing everything afterwards."""
    opened: list[tuple[web.AppRunner, Geocoder]] = []

    async def make(handler: Handler) -> Geocoder:
        runner, port = await serve(handler)
        settings = geography.geocoding.model_copy(
            update={
                "scheme": "http",
                "domain": f"127.0.0.1:{port}",
                "timeout_seconds": 0.3,
                "min_delay_seconds": 0,
            }
        )
        geocoder = Geocoder(settings, approximate_locator.gazetteer, approximate_locator.bounds)
        opened.append((runner, geocoder))
        return geocoder

    yield make
    for runner, geocoder in opened:
        await geocoder.aclose()
        await runner.cleanup()


async def test_server_answers_are_used(
    geocoder_for: Callable[[Handler], Awaitable[Geocoder]],
) -> None:
    """A server's answer comes back as nominatim results."""
    geocoder = await geocoder_for(answers)
    [found] = await geocoder.search("St Albans City station")
    assert (found.source, found.latitude, found.longitude) == ("nominatim", 51.7504, -0.3276)


@pytest.mark.parametrize("handler", [fails, slow, empty], ids=["500", "slow", "empty"])
async def test_failures_fall_back_to_the_gazetteer(
    geocoder_for: Callable[[Handler], Awaitable[Geocoder]],
    handler: Handler,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An erroring, slow or empty server gives gazetteer answers and never logs the text."""
    geocoder = await geocoder_for(handler)
    found = await geocoder.search("AL1 3JE")
    assert [(f.source, f.display_name.split(" (")[0]) for f in found] == [("gazetteer", "AL1 3JE")]
    assert "3JE" not in caplog.text


async def test_disabled_geocoding_uses_the_gazetteer(
    geography: Geography, approximate_locator: Locator
) -> None:
    """With geocoding disabled the gazetteer answers directly."""
    settings = geography.geocoding.model_copy(update={"enabled": False})
    geocoder = Geocoder(settings, approximate_locator.gazetteer, approximate_locator.bounds)
    found = await geocoder.search("harpenden")
    await geocoder.aclose()
    assert (found[0].display_name, found[0].source) == (
        "Harpenden (St Albans City and District Council)",
        "gazetteer",
    )


async def test_a_bare_known_postcode_is_answered_without_the_server(
    geocoder_for: Callable[[Handler], Awaitable[Geocoder]],
) -> None:
    """A typed postcode the shipped units know never leaves the bot; an address still does."""
    asked: list[str] = []

    async def counting(request: web.Request) -> web.Response:
        asked.append(request.query["q"])
        return await answers(request)

    geocoder = await geocoder_for(counting)
    found = await geocoder.search(" al1 3je ")
    assert [(f.source, f.display_name, f.latitude) for f in found] == [
        ("gazetteer", "AL1 3JE (St Albans City and District Council)", 51.75336)
    ]
    assert asked == []
    unknown = await geocoder.search("AL1 0XX")
    address = await geocoder.search("10 Holywell Hill, AL1 1BT")
    assert asked == ["AL1 0XX", "10 Holywell Hill, AL1 1BT"]
    assert [f.source for f in unknown + address] == ["nominatim", "nominatim"]
