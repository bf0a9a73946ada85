"""What the ASB Case Review sends: the resident's notice of their right to ask for a case
review (HTML, after their confirmation), and the admins' note, which holds the reports'
references and nothing else (no name, no chat, no text).

Domain code (no Telegram imports): the case review service enqueues these in the transaction
that stores the report which reached the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.config import CaseReview, Config
from bot.outbox.items import MESSAGE, Outgoing, admin_targets


def resident_notice(
    rule: CaseReview, notice_id: int, chat_id: int, refs: Sequence[str], *, by_hate_rule: bool
) -> Outgoing:
    """The notice to the resident's chat (sent once: the key names the notice and the chat)."""
    payload = {"text": notice_text(rule, refs, by_hate_rule=by_hate_rule), "parse_mode": "HTML"}
    return Outgoing(MESSAGE, str(chat_id), payload, f"case-review:{notice_id}:{chat_id}")


def notice_text(rule: CaseReview, refs: Sequence[str], *, by_hate_rule: bool) -> str:
    """What the resident reads: what they have reported, their right, and how to use it."""
    listed = ", ".join(f"<b>{escape(ref)}</b>" for ref in refs)
    if by_hate_rule:
        told = (
            f"You have told us about a hate incident ({listed}). Here, a single hate incident "
            "is enough to ask for a case review."
        )
    else:
        told = (
            f"You have now told us about {len(refs)} separate incidents in the last "
            f"{period(rule.window_days)} ({listed})."
        )
    return "\n".join(
        [
            "<b>You can ask for an ASB Case Review</b>",
            told,
            "",
            "If you feel your reports have not been dealt with well enough, the law (the "
            "Anti-social Behaviour, Crime and Policing Act 2014) gives you the right to ask the "
            "council, the police and the other local services to look again, together, at what "
            "has been done. This is called an ASB Case Review. It used to be called the "
            "Community Trigger. Someone can also ask for you, with your agreement.",
            "",
            f"How to ask: {escape(rule.how_to)}",
            "Give them the references above when you ask.",
            "",
            "You do not have to do anything: your reports carry on as they are.",
        ]
    )


def admin_notes(
    config: Config, notice_id: int, refs: Sequence[str], *, by_hate_rule: bool
) -> list[Outgoing]:
    """The note to the admins' chat (or each admin): the references only, once per target."""
    rule = config.case_review
    # A sensitive category is never named to the admins' chat: the single-incident rule only.
    why = (
        "the local single-incident rule"
        if by_hate_rule
        else f"{len(refs)} reports in {rule.window_days} days"
    )
    text = (
        f"ASB Case Review threshold reached by reports {', '.join(refs)} ({why}). "
        "Their reporter has been told how to ask for a case review."
    )
    return [
        Outgoing(MESSAGE, target, {"text": text}, f"case-review-admins:{notice_id}:{target}")
        for target in admin_targets(config)
    ]


def period(days: int) -> str:
    """A window in plain words: "6 months", "1 month", "10 days"."""
    months = round(days / 30.44)
    if days >= 28 and abs(days - months * 30.44) <= 3:
        return f"{months} month" + ("" if months == 1 else "s")
    return f"{days} day" + ("" if days == 1 else "s")
