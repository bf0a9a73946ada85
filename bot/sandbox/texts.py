"""What the sandbox says on the command line and on its page (not the bot's own words)."""

from __future__ import annotations

ADDRESS = "The sandbox is running: open {url} (Ctrl+C stops it; its state is kept in {folder})"
WIDE_HOST = (
    "warning: the sandbox page has no login, and --host {host} lets other machines reach it. "
    "Use it only on a network you trust."
)
PORT_IN_USE = (
    "Port {port} on {host} is already in use (is another sandbox running?). "
    "Stop that program or choose another port with --port."
)
NOT_OUR_FOLDER = (
    "{folder} exists but was not made by the sandbox, so --fresh will not delete it. "
    "Move it aside or delete it yourself."
)
WORLD_UNREADABLE = "warning: the saved chats in {path} cannot be read ({problem}); starting afresh."
DEMO_SEEDED = (
    "Seeded a demo fortnight: {reports} reports ({waiting} waiting, {overdue} overdue, "
    "{acknowledged} acknowledged, {resolved} resolved, {referred} referred); the agencies' "
    "chats fill as the bot starts."
)
DEMO_IGNORED = (
    "--demo is ignored: the sandbox in {folder} already has reports and chats. "
    "Add --fresh to start again with the demo."
)
STOPPED = "The sandbox stopped; its state is saved in {folder}."

# The page's answers to a request it cannot carry out.
UNKNOWN_PERSON = "There is nobody with that id in this sandbox."
NOT_YOUR_CHAT = "That chat is not one of yours: pick one from your list of chats."
EMPTY_TEXT = "Write something first."
TOO_LONG = "That is longer than Telegram allows ({limit} characters)."
UNKNOWN_PLACE = "That place is not in the gazetteer: pick one from the list."
SAY_WHAT = "Say what to send: text, a place, a point on the map or your contact."
BAD_LOCATION = "That is not a point on the map: click inside the map to share a location."
NO_FILE = "Choose a file to send first."
EMPTY_FILE = "That file is empty: choose another."
FILE_TOO_BIG = (
    "That file is too big: a bot can read files under {megabytes} MB, as in Telegram. "
    "Choose a smaller one."
)
NOT_AN_IMAGE = (
    "That file is not a photo (JPEG, PNG, GIF or WebP), so it cannot be sent as one: "
    "send it as a file instead."
)
BAD_REQUEST = "The page sent something the sandbox does not understand."
NO_ANSWER = "The bot did not answer that button (it may be restarting): try again in a moment."
BUTTON_GONE = "That button is no longer there: the message may have changed."
