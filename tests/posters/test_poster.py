"""The poster itself: the QR code read back from the PNG, a one-page A4 PDF with the words,
the type kept inside the page whatever the config says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from bot.config import Config, config_from_data, default_config_data
from bot.posters.content import poster_for
from bot.posters.layout import PNG_DPI, LayoutError, draw, render
from bot.posters.links import report_link
from tests.posters.reading import A4_POINTS, pdf_pages, pdf_words, png_size_and_dpi, qr_links
from tests.support.configs import default_config

BOT = "stalbans_safety_bot"


def _config(change: Any = None) -> Config:
    data = default_config_data()
    if change is not None:
        change(data)
    return config_from_data(data, base_dir=Path("."))


def _poster(config: Config, category_id: str | None = None, username: str = BOT) -> Any:
    category = None if category_id is None else config.category(category_id)
    return poster_for(config, report_link(username, category), category)


@pytest.mark.parametrize(
    ("category_id", "link"),
    [
        (None, f"https://t.me/{BOT}?start=report"),
        ("fly-tipping", f"https://t.me/{BOT}?start=report_fly-tipping"),
        ("hate-incident", f"https://t.me/{BOT}?start=report_hate-incident"),
    ],
)
def test_the_qr_code_in_the_png_opens_the_link(category_id: str | None, link: str) -> None:
    """A phone that scans the printed code gets exactly the link that starts the report."""
    png = render(_poster(default_config(), category_id), "png")
    assert qr_links(png) == [link]


def test_the_png_is_an_a4_page_at_print_resolution() -> None:
    """The PNG is A4 portrait at 300 dpi, and says so."""
    size, dpi = png_size_and_dpi(render(_poster(default_config()), "png"))
    assert PNG_DPI == 300
    width, height = size
    assert abs(width - 210 / 25.4 * 300) <= 1
    assert abs(height - 297 / 25.4 * 300) <= 1
    assert dpi == pytest.approx((300, 300), abs=0.1)


def test_the_pdf_is_one_a4_page_with_every_category_and_the_link() -> None:
    """Without a category: the partnership, every category's name, the link in words, 999."""
    config = default_config()
    pdf = render(_poster(config), "pdf")
    reader = pdf_pages(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.5)
    words = pdf_words(pdf)
    assert config.partnership.name in words
    assert config.partnership.area_name in words
    for category in config.categories:
        assert category.name in words
    assert f"t.me/{BOT}?start=report" in words
    assert "In an emergency call 999" in words
    assert reader.metadata is not None
    assert reader.metadata.title == f"{config.partnership.name}: Report it on Telegram"


def test_a_hate_incident_poster_says_the_police_can_be_told_too() -> None:
    """One category: its name and description, its link, and its signpost from the config
    (for hate incidents: reporting to the police through True Vision)."""
    config = default_config()
    hate = config.category("hate-incident")
    assert hate is not None
    assert hate.signpost is not None
    words = pdf_words(render(_poster(config, "hate-incident"), "pdf"))
    assert hate.name in words
    assert hate.description in words
    assert " ".join(hate.signpost.split()) in words
    assert f"t.me/{BOT}?start=report_hate-incident" in words
    assert "In an emergency call 999" in words
    others = [c.name for c in config.categories if c.id != "hate-incident"]
    assert not [name for name in others if name in words]


def test_a_name_with_dollar_signs_is_printed_as_written() -> None:
    """A "$" in the config is a dollar sign, not the start of mathematics."""

    def rename(data: dict[str, Any]) -> None:
        data["partnership"]["name"] = "The $5 & $10 Safety Partnership"

    words = pdf_words(render(_poster(_config(rename)), "pdf"))
    assert "The $5 & $10 Safety Partnership" in words


def _inside_the_page(config: Config, category_id: str | None, username: str) -> None:
    figure = draw(_poster(config, category_id, username))
    renderer = FigureCanvasAgg(figure).get_renderer()
    page = figure.bbox
    texts = [t for t in figure.findobj(Text) if t.get_text()]
    assert texts
    for text in texts:
        box = text.get_window_extent(renderer)
        inside = page.x0 <= box.x0 <= box.x1 <= page.x1 and page.y0 <= box.y0 <= box.y1 <= page.y1
        assert inside, (text.get_text(), box, page)


def test_long_names_and_many_categories_stay_inside_the_page() -> None:
    """A long partnership name, fourteen categories with long names, and the longest username
    and category id: every line is fitted inside the page, and the code still reads."""
    longest = "c" * 32

    def crowd(data: dict[str, Any]) -> None:
        data["partnership"]["name"] = (
            "The Borough of Somewhere-upon-the-Long-River and District Community Safety and "
            "Anti-Social Behaviour Partnership"
        )
        for number in range(8):
            data["categories"].append(
                {
                    "id": f"extra-{number}" if number else longest,
                    "name": f"Unlicensed street trading and other nuisances ({number})",
                    "description": "Something long enough to wrap onto a second line. " * 3,
                    "agencies": ["sadc-waste"],
                }
            )

    config = _config(crowd)
    username = "a" + "b" * 31
    _inside_the_page(config, None, username)
    _inside_the_page(config, longest, username)
    png = render(_poster(config, longest, username), "png")
    assert qr_links(png) == [f"https://t.me/{username}?start=report_{longest}"]


def test_more_categories_than_a_page_holds_are_refused_clearly() -> None:
    """So many categories that the code would be too small: a clear refusal, not a bad poster."""

    def flood(data: dict[str, Any]) -> None:
        for number in range(90):
            data["categories"].append(
                {
                    "id": f"extra-{number}",
                    "name": f"Extra {number}",
                    "description": "Extra.",
                    "agencies": ["sadc-waste"],
                }
            )

    with pytest.raises(LayoutError, match="one poster per category"):
        draw(_poster(_config(flood)))


def test_the_same_poster_gives_the_same_pdf() -> None:
    """No date or random id in the file: making a poster again changes nothing."""
    poster = _poster(default_config(), "graffiti")
    assert render(poster, "pdf") == render(poster, "pdf")
