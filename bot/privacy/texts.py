"""What the bot says about residents' data: the privacy notice (from ``[privacy]``), /mydata and
/forgetme. Plain English; everything from the configuration is escaped."""

from __future__ import annotations

from html import escape

from bot.config import Config
from bot.privacy.erasure import Erasure, Holding

PRIVACY_BUTTON = "How we use your data"
MYDATA_CAPTION = (
    "Everything this bot holds about you, as a JSON file you can open in any text editor."
)
MYDATA_NOTHING = "This bot holds nothing about you: no reports, follows or news subscriptions."
FORGET_WITHDRAW = "Withdraw my open reports and erase"
FORGET_KEEP = "Keep them open anonymously and erase"
FORGET_ERASE = "Erase my data"
FORGET_CANCEL = "Cancel: keep everything"
FORGET_CANCELLED = "Nothing was erased."
NOTHING_TO_ERASE = (
    "This bot holds nothing about you to erase: no reports, follows or news subscriptions."
)
FINISH_REPORT_FIRST = "Please finish or /cancel the report you are making first."


def controller(config: Config) -> str:
    """The data controller's name."""
    return config.privacy.controller or config.partnership.name


def privacy_notice(config: Config) -> str:
    """The answer to /privacy: what is kept, who receives it, for how long, why, and the
    resident's rights (HTML)."""
    privacy = config.privacy
    days = privacy.retention
    who = escape(controller(config))
    if privacy.controller_address:
        who += f", {escape(privacy.controller_address)}"
    dpo = escape(privacy.dpo_contact or f"the data protection officer of {controller(config)}")
    lines = [
        "<b>Your data: what we keep and why</b>",
        "",
        f"<b>Who is responsible.</b> {who} is the data controller. Its data protection officer: "
        f"{dpo}.",
        "",
        "<b>What we keep.</b> What you tell us in a report: what happened, where, when, your "
        "answers, your description and photos. If you ask for updates we keep your Telegram "
        "chat so that we can tell you what happened, and a phone number if you give one. If you "
        "report anonymously we keep nothing that identifies you, and we cannot contact you. News "
        "subscriptions keep your chat, the topics and areas you chose, your quiet hours and, "
        "for news near you, the place you pinned.",
        "",
        "<b>Who receives it.</b> Only the teams your report is routed to, among the "
        "partnership's members: "
        + ", ".join(escape(a.name) for a in config.agencies)
        + ". Hate incident reports go only to the police team that deals with them. Some teams "
        "receive reports by e-mail or into their own case systems.",
        "",
        f"<b>How long.</b> Closed reports are anonymised {days.closed_reports_days} days after "
        f"they close; photos are deleted after {days.photos_days} days; a report you begin and "
        f"do not finish is removed after {days.drafts_days} days. News subscriptions last until "
        "you send /stop.",
        "",
        f"<b>Why we may.</b> {escape(privacy.lawful_basis)}",
        escape(privacy.special_category),
        escape(privacy.criminal_offence),
        "",
        "<b>Your rights.</b> You can see what we hold about you (/mydata), have it corrected, "
        "have it erased (/forgetme), and object to or restrict its use. To do that outside this "
        f"bot, contact {dpo}.",
        "",
        f"<b>Complaints.</b> You can complain to {escape(privacy.complaints_name)}: "
        f"{escape(privacy.complaints_website)}, telephone {escape(privacy.complaints_phone)}.",
    ]
    return "\n".join(lines)


def report_privacy_line() -> str:
    """Said as a report begins, before anything is asked."""
    return (
        "Before you start: what you tell us goes only to the teams that deal with it. Tap "
        f"“{PRIVACY_BUTTON}” or send /privacy to read how we use it."
    )


def forget_prompt(holding: Holding) -> str:
    """What /forgetme will erase, and the choice for open reports (HTML)."""
    lines = [
        "<b>Erase your data</b>",
        "",
        "This erases what this bot holds about you: your Telegram chat and contact details, "
        "what you wrote and your photos, the reports you follow, your news subscriptions and "
        "your conversation with the bot. It cannot be undone.",
    ]
    if holding.open_refs:
        refs = ", ".join(escape(ref) for ref in holding.open_refs)
        lines += [
            "",
            f"You have open reports: {refs}. You can withdraw them (the teams are told), or "
            "keep them open anonymously so the teams can carry on. A police matter, such as a "
            "hate incident, may need to continue: keeping it open helps, and nobody will be "
            "able to contact you about it.",
        ]
    if holding.closed_refs:
        lines += [
            "",
            "Closed reports are kept for the partnership's statistics with nothing that "
            "identifies you: the place only as its area and the time as its day.",
        ]
    return "\n".join(lines)


def erased(config: Config, done: Erasure) -> str:
    """What was erased, and what the bot cannot reach (HTML)."""
    lines = ["<b>Done: your data is erased from this bot.</b>", ""]
    if done.withdrawn:
        lines.append(f"Withdrawn: {_refs(done.withdrawn)}.")
    if done.kept_open:
        lines.append(f"Kept open anonymously: {_refs(done.kept_open)}.")
    if done.anonymised:
        lines.append(f"Closed reports anonymised: {_refs(done.anonymised)}.")
    if done.unfollowed:
        lines.append(f"You no longer follow {done.unfollowed} report(s).")
    if done.subscriptions:
        lines.append("Your news subscriptions are stopped.")
    if done.cards_edited or done.messages_deleted:
        lines.append(
            f"In the teams' chats, {done.cards_edited} message(s) were rewritten without your "
            f"details and {done.messages_deleted} map pin(s) or photo(s) removed."
        )
    lines += ["", "<b>What this bot cannot reach</b>"]
    if done.sent_elsewhere:
        names = ", ".join(escape(name) for name in done.sent_elsewhere)
        lines.append(
            f"Copies already e-mailed or sent to a council system by: {names}. Ask them, or "
            f"{escape(config.privacy.dpo_contact or controller(config))}, to erase those."
        )
    if done.details_shown:
        lines.append(
            "An officer was sent a report's details in their own chat with the bot; the bot "
            "keeps no record of that message, so ask the team to delete it."
        )
    if done.messages_left:
        lines.append(
            f"{done.messages_left} map pin(s) or photo(s) in the teams' chats are more than 48 "
            "hours old, and Telegram no longer lets the bot delete them."
        )
    lines.append(
        "The messages in this chat are on your phone and Telegram's servers: you can delete "
        "this chat in Telegram."
    )
    return "\n".join(lines)


def _refs(refs: list[str]) -> str:
    return ", ".join(escape(ref) for ref in refs)
