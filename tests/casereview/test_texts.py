"""What the case review sends: the resident's notice in plain words with the configured how-to
escaped for Telegram's HTML, and the admins' note with the references and nothing more (not
even the category a single-incident rule was met by)."""

from __future__ import annotations

from bot.config import CaseReview
from bot.outbox.telegram.case_review import admin_notes, notice_text, period, resident_notice
from tests.support.configs import default_config
from tests.support.harness import ADMINS_CHAT


def test_the_notice_says_the_period_and_escapes_the_how_to() -> None:
    """Six months in words; the how-to's markup-like text is shown, not interpreted."""
    rule = CaseReview(how_to="Write to <Community Safety> & say so")
    text = notice_text(rule, ["AB-CD", "EF-GH", "JK-LM"], by_hate_rule=False)
    assert "3 separate incidents in the last 6 months" in text
    assert "Write to &lt;Community Safety&gt; &amp; say so" in text
    assert "<Community Safety>" not in text


def test_the_hate_rule_notice_says_one_incident_is_enough() -> None:
    """Met by the hate rule, the notice says a single hate incident is enough here."""
    told = resident_notice(CaseReview(hate_rule=True), 7, 610001, ["AB-CD"], by_hate_rule=True)
    assert "a single hate incident is enough" in told.payload["text"]
    assert told.target == "610001"
    assert told.dedupe_key == "case-review:7:610001"


def test_the_admins_note_holds_references_only() -> None:
    """One note to the admins' chat: the references and the rule, no category named."""
    (note,) = admin_notes(default_config(), 7, ["AB-CD"], by_hate_rule=True)
    assert note.target == str(ADMINS_CHAT)
    assert "AB-CD" in note.payload["text"]
    assert "hate" not in note.payload["text"].lower()


def test_periods_in_words() -> None:
    """Whole months where the days are about a whole number of months, else days."""
    assert [period(d) for d in (183, 31, 92, 10, 1, 45)] == [
        "6 months",
        "1 month",
        "3 months",
        "10 days",
        "1 day",
        "45 days",
    ]
