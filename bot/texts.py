"""What the bot says in its general messages: plain, short English, with HTML where it helps.

Everything that comes from the configuration or a person is escaped before it is embedded.
No Telegram imports: handlers turn these texts into messages.
"""

from __future__ import annotations

from html import escape

from bot.config import Config

EMERGENCY = (
    "<b>If anyone is in danger or a crime is happening now, call 999.</b> "
    "If you cannot speak, text 999 after registering with emergencySMS (text 'register' to 999). "
    "For other police matters call 101."
)

# The commands the bot offers in Telegram's menu and in /help, in that order.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("report", "Report an incident"),
    ("myreports", "Your reports and what happened to them"),
    ("status", "The state of a report, by its reference"),
    ("news", "Choose community safety news: topics, areas, quiet hours"),
    ("stop", "Stop all news and delete your choices"),
    ("cancel", "Stop the report or the step you are in"),
    ("help", "What this bot does and how to use it"),
    ("privacy", "What we keep about you, and why"),
    ("mydata", "Everything we hold about you, as a file"),
    ("forgetme", "Erase what we hold about you"),
    ("start", "Start again and show the menu"),
)

# Staff commands, listed in /help under the residents' ones (Telegram's menu keeps to those).
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("queue", "Officers: your agency's open reports"),
    ("stats", "Admins and officers: the statistics, period against period"),
)

MENU_REPORT = "Report an incident"
MENU_MY_REPORTS = "My reports"
MENU_NEWS = "News and alerts"
MENU_PRIVACY = "Privacy and your data"
MENU_HELP = "Help"


def welcome(config: Config, first_name: str | None) -> str:
    """The greeting for /start: what the bot is for and what to do in an emergency."""
    partnership = config.partnership
    hello = f"Hello {escape(first_name)}." if first_name else "Hello."
    return (
        f"{hello} This is the {escape(partnership.name)} bot for "
        f"{escape(partnership.area_name)}.\n\n"
        "You can report fly tipping, graffiti, hate incidents, anti-social behaviour and other "
        "problems here, and the right team will be told. You can also get community safety "
        "news for your area.\n\n"
        f"{EMERGENCY}\n\n"
        f"{privacy_line()}\n\n"
        "Choose what you would like to do:"
    )


def help_text(config: Config) -> str:
    """The answer to /help: what the bot does, the commands, privacy, and emergencies."""
    categories = "\n".join(
        f"• {escape(c.name)}: {escape(c.description)}" for c in config.categories
    )
    partners = ", ".join(escape(p) for p in config.partnership.partners)
    lines = [
        f"<b>{escape(config.partnership.name)}</b>",
        "",
        "What you can report here:",
        categories,
        "",
        "Commands:",
        *(f"/{name}: {description}" for name, description in COMMANDS),
        "",
        "For partnership staff:",
        *(f"/{name}: {description}" for name, description in STAFF_COMMANDS),
        "",
        EMERGENCY,
        "",
        privacy_line(),
    ]
    if partners:
        lines += ["", f"The partnership: {partners}."]
    if config.partnership.website:
        lines += [f"More: {escape(config.partnership.website)}"]
    return "\n".join(lines)


def privacy_line() -> str:
    """One line on privacy, for the greeting and help."""
    return (
        "Privacy: your report goes only to the teams that deal with it, you can report "
        "anonymously, and /privacy says what we keep."
    )


def not_yet_available(feature: str) -> str:
    """The answer for a menu item whose service is not open yet."""
    return (
        f"{escape(feature)} is not open yet in this bot.\n\n"
        f"{EMERGENCY}\n\nUntil then, you can report non-urgent problems to the council's website "
        "or call 101."
    )


def not_understood() -> str:
    """The answer to a message the bot has no use for at this moment."""
    return "Sorry, I did not understand that. Choose from the menu below, or send /help."


def stale_button() -> str:
    """The answer to a button on an old message that no longer applies."""
    return "That button is from an older message. Here is the menu again."


def private_chat_only(bot_username: str) -> str:
    """The answer to /start or /report in a group chat: reports are made privately."""
    return (
        "Reports are made in a private chat with me, so that nobody else sees them. "
        f"Open https://t.me/{escape(bot_username)}?start=report to start."
    )


def something_went_wrong() -> str:
    """What a resident is told when the bot fails while handling their message."""
    return (
        "Sorry, something went wrong on our side and your last message was not handled. "
        "Please try again in a moment.\n\n" + EMERGENCY
    )


def error_report(update_id: int | None, where: str, error_name: str) -> str:
    """The note the admins get when handling an update failed; no personal data."""
    subject = f"update {update_id}" if update_id is not None else "a background job"
    return (
        f"<b>safetybot error</b> while handling {escape(subject)} ({escape(where)}): "
        f"<code>{escape(error_name)}</code>. Details are in the bot's log."
    )


def failure_place(kind: str | None, chat_type: str | None) -> str:
    """Where a failed update came from, for the admins' note: its kind and its chat's type."""
    if kind is None:
        return "no update"
    return f"{kind} in a {chat_type} chat" if chat_type else kind


# -- enrolling officers (admins' commands) --------------------------------------------------------

ADMINS_ONLY = "This command is for the partnership's admins."
CODE_REFUSED = (
    "That code does not work: it may be mistyped, used already or expired. Ask the "
    "partnership's admins for a new one."
)
NO_SUCH_OFFICER = "No such enrolled officer in that agency."


def agency_list(config: Config) -> str:
    """The agencies' ids and names, one a line."""
    return "\n".join(f"{a.id}: {a.name}" for a in config.agencies)


def enrol_code_usage(config: Config) -> str:
    """/enrolcode without a known agency id."""
    return f"Send /enrolcode and one of these agency ids:\n{agency_list(config)}"


def one_time_code(agency_name: str, code: str) -> str:
    """The code an admin hands to a new officer."""
    return (
        f"One-time code for {agency_name}: {code}\n\nGive it to the officer. They send "
        f"/enrol {code} to me in a private chat. It works once, within two days."
    )


def enrolled(agency_name: str) -> str:
    """The new officer's welcome."""
    return (
        f"You are now an officer of {agency_name}: you can act on its reports in its group chat, "
        "and /queue lists them."
    )


def revoke_usage(config: Config) -> str:
    """/revoke without an agency id and a user id."""
    return (
        "Send /revoke, the agency id and the officer's Telegram user id, for example "
        f"/revoke sadc-waste 123456789.\n{agency_list(config)}"
    )


def revoked(count: int) -> str:
    """How many enrolments /revoke ended."""
    return f"Revoked {count} enrolment(s)." if count else NO_SUCH_OFFICER
