"""Printable posters that bring residents to the bot: the partnership's name, what to report,
a QR code of the link that starts a report, the link in words, and what to do in an emergency.

The words come from the configuration (:mod:`bot.posters.content`), the link is checked by
:mod:`bot.posters.links`, and the page is drawn with matplotlib, its QR code made with segno
(:mod:`bot.posters.layout`, imported only by what makes a poster, so that the running bot does
not load matplotlib). Nothing here talks to Telegram: the bot's username is given.
"""

from typing import Literal

Format = Literal["pdf", "png"]
FORMATS: tuple[Format, ...] = ("pdf", "png")

__all__ = ["FORMATS", "Format"]
