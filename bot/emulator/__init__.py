"""An emulated Telegram Bot API server with a client API, for the sandbox and the tests."""

from bot.emulator.client import EmulatorClient, EmulatorTimeout
from bot.emulator.faults import RateLimits
from bot.emulator.server import EmulatorServer

__all__ = ["EmulatorClient", "EmulatorServer", "EmulatorTimeout", "RateLimits"]
