"""How well the locator places random points in the district's box, against the real boundary.

Run by hand from the repository root:
``python bench/geo_accuracy.py [--count N] [--seed S] [--grid METRES]``.
Needs the reference files in ../shared/geo (or $SAFETYBOT_GEO_DIR). It measures the default
configuration twice: with the boundary files it ships, and with them switched off, which is
the approximation a partnership without boundary files gets. Besides the random points, it
checks every point of a square grid over the district (40 m apart by default) for an inside
point either would refuse.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import default_config_text, parse_config
from bot.geo import Locator
from tests.geo.reference import SEED, geo_dir, inside_grid, truth
from tests.support.configs import approximating


def main() -> int:
    """Print the accuracy figures of the default with its boundary files, and without them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--grid", type=float, default=40.0, help="grid spacing in metres")
    args = parser.parse_args()
    folder = geo_dir()
    if not (folder / "st_albans_district.geojson").is_file():
        print(f"reference data not found in {folder} (set SAFETYBOT_GEO_DIR)")
        return 2
    geography = parse_config(default_config_text(), base_dir=Path.cwd()).geography
    for label, locator in (
        ("default, shipped boundary files", Locator.from_config(geography)),
        ("default, boundary files switched off", Locator.from_config(approximating(geography))),
    ):
        report(label, locator, folder, args.count, args.seed)
        grid(label, locator, folder, args.grid)
    return 0


def grid(label: str, locator: Locator, folder: Path, spacing_m: float) -> None:
    """Count the inside points of a grid over the district that the locator refuses."""
    inside = inside_grid(folder, spacing_m)
    refused = sum(locator.locate(*point).verdict == "outside" for point in inside)
    print(f"-- {label}, on a {spacing_m:.0f} m grid over the district")
    print(f"inside grid points refused:        {refused} of {len(inside)}")


def report(label: str, locator: Locator, folder: Path, count: int, seed: int) -> None:
    """Locate every point and print the figures."""
    facts = truth(folder, locator.gazetteer, count, seed)
    started = time.perf_counter()
    placements = [
        locator.locate(float(lat), float(lon))
        for lat, lon in zip(facts.latitude, facts.longitude, strict=True)
    ]
    elapsed = time.perf_counter() - started
    inside = [p for p, t in zip(placements, facts.inside, strict=True) if t]
    outside = [
        (p, c) for p, t, c in zip(placements, facts.inside, facts.council, strict=True) if not t
    ]
    refused = sum(p.verdict == "outside" for p in inside)
    print(f"== {label}: {count} points, seed {seed}; {len(inside)} inside, {len(outside)} outside")
    print(f"inside points wrongly refused:     {refused}")
    edge_in = sum(p.verdict == "edge" for p in inside)
    print(f"inside accepted as edge:           {pct(edge_in, len(inside))}")
    with_ward = sum(p.ward is not None for p in inside)
    print(f"inside with a ward named:          {pct(with_ward, len(inside))}")
    right = sum(p.verdict == "outside" and p.council == c for p, c in outside)
    print(f"outside recognised, right council: {pct(right, len(outside))}")
    edge_out = sum(p.verdict == "edge" for p, _ in outside)
    inside_out = sum(p.verdict == "inside" for p, _ in outside)
    print(f"outside answered edge:             {pct(edge_out, len(outside))}")
    print(f"outside answered inside:           {pct(inside_out, len(outside))}")
    wrong = sum(p.verdict == "outside" and p.council != c for p, c in outside)
    print(f"outside with wrong council:        {pct(wrong, len(outside))}")
    print(f"locate() time per point:           {elapsed / count * 1e6:.1f} µs")


def pct(part: int, whole: int) -> str:
    """A share as a percentage with its counts."""
    return f"{100 * part / max(whole, 1):.1f} % ({part}/{whole})"


if __name__ == "__main__":
    raise SystemExit(main())
