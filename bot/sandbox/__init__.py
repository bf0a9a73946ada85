"""The sandbox: the whole bot, against the emulated Bot API, in a web page on 127.0.0.1."""

from bot.sandbox.service import DEFAULT_PORT, SandboxOptions, run_sandbox

__all__ = ["DEFAULT_PORT", "SandboxOptions", "run_sandbox"]
