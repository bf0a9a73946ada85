"""How long a poster takes to make, how big the files are, and how big the QR code's modules
are printed: for the general poster and for each category of the built-in configuration.

Run: ``python bench/poster.py [--repeat N]``. The code's width and its module size decide the
distance a phone reads it from (a rule of thumb for QR codes: up to about ten times the code's
width; the larger the modules, the farther).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import segno

from bot.config import Category, config_from_data, default_config_data
from bot.posters import FORMATS
from bot.posters.content import poster_for
from bot.posters.layout import QR_BORDER, _plan, render
from bot.posters.links import report_link

USERNAME = "stalbans_safety_bot"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="renders of each format")
    args = parser.parse_args()
    config = config_from_data(default_config_data(), base_dir=Path("."))
    subjects: list[Category | None] = [None, *config.categories]
    print(
        f"{'poster':<18} {'pdf s':>6} {'png s':>6} {'pdf KB':>7} {'png KB':>7} {'qr mm':>6} "
        f"{'module mm':>9} {'version':>7}"
    )
    for category in subjects:
        link = report_link(USERNAME, category)
        poster = poster_for(config, link, category)
        times: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for fmt in FORMATS:
            runs = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                data = render(poster, fmt)
                runs.append(time.perf_counter() - started)
            times[fmt], sizes[fmt] = statistics.median(runs), len(data)
        qr_mm = _plan(poster).qr_size
        code = segno.make_qr(link.url, error="m")
        modules = code.symbol_size(border=QR_BORDER)[0]
        name = "all" if category is None else category.id
        print(
            f"{name:<18} {times['pdf']:>6.2f} {times['png']:>6.2f} {sizes['pdf'] / 1024:>7.0f} "
            f"{sizes['png'] / 1024:>7.0f} {qr_mm:>6.1f} {qr_mm / modules:>9.2f} "
            f"{code.version:>7}"
        )


if __name__ == "__main__":
    main()
