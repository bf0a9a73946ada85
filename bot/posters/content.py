"""What goes on a poster, taken from the configuration: who, what to report, the link, a note."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Category, Config
from bot.posters import texts
from bot.posters.links import DeepLink


@dataclass(frozen=True, slots=True)
class Poster:
    """The words and the link of one poster, in the order they are read."""

    partnership: str
    area: str
    heading: str  # above what to report
    items: tuple[str, ...]  # the categories' names; for one category, its name
    description: str | None  # for one category, what it covers
    link: DeepLink
    note: str | None  # for one category, its signpost (for hate incidents: True Vision)
    title: str


def poster_for(config: Config, link: DeepLink, category: Category | None = None) -> Poster:
    """The poster for every category, or for one (whose link starts that category's report)."""
    partnership = config.partnership
    if category is None:
        return Poster(
            partnership=partnership.name,
            area=partnership.area_name,
            heading=texts.WHAT_TO_REPORT,
            items=tuple(c.name for c in config.categories),
            description=None,
            link=link,
            note=None,
            title=texts.title(partnership.name, None),
        )
    return Poster(
        partnership=partnership.name,
        area=partnership.area_name,
        heading=texts.ONE_CATEGORY,
        items=(category.name,),
        description=category.description,
        link=link,
        note=category.signpost,
        title=texts.title(partnership.name, category.name),
    )
