"""Run the emulator on its own: ``python -m bot.emulator --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot.emulator.faults import RateLimits
from bot.emulator.server import EmulatorServer

logger = logging.getLogger(__name__)


async def serve(host: str, port: int, limits: RateLimits | None) -> None:
    """Run the server until cancelled, printing its URL."""
    async with EmulatorServer(host=host, port=port, limits=limits) as server:
        print(server.url, flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--rate-limits", action="store_true", help="enforce Telegram's flood limits"
    )
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="shrink limit windows by this factor"
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    limits = RateLimits(time_scale=args.time_scale) if args.rate_limits else None
    try:
        asyncio.run(serve(args.host, args.port, limits))
    except KeyboardInterrupt:
        logger.info("stopped")


if __name__ == "__main__":
    main()
