"""The sandbox: the whole bot, against the emulated Bot API, in a web page on 127.0.0.1.

The package itself is light (the CLI reads :data:`DEFAULT_PORT` for its help on every command);
the sandbox proper, with its web server, templates and SMTP catcher, is
:mod:`bot.sandbox.service`, imported only by ``safetybot sandbox``.
"""

DEFAULT_PORT = 8765
"""The page's port unless ``--port`` says otherwise."""

__all__ = ["DEFAULT_PORT"]
