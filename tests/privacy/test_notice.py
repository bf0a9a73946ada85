"""The privacy notice says what the [privacy] table configures, escaped, within one message."""

from __future__ import annotations

from pathlib import Path

from bot.config import config_from_data, default_config_data
from bot.privacy.texts import privacy_notice


def test_the_notice_is_written_from_the_privacy_table() -> None:
    """Controller, officer, wording and retention days come from config; text is escaped."""
    data = default_config_data()
    data["privacy"].update(
        controller="Dacorum <Borough> Council",
        dpo_contact="dpo@example.gov.uk",
        lawful_basis="Our own words on public task.",
    )
    data["privacy"]["retention"].update(closed_reports_days=200, photos_days=30, drafts_days=3)
    notice = privacy_notice(config_from_data(data, base_dir=Path(".")))
    assert "Dacorum &lt;Borough&gt; Council" in notice
    assert "dpo@example.gov.uk" in notice
    assert "Our own words on public task." in notice
    assert "anonymised 200 days" in notice
    assert "after 30 days" in notice
    assert "after 3 days" in notice
    assert "Article 9(2)(g)" in notice
    assert "Article 10" in notice


def test_the_default_notice_fits_one_telegram_message() -> None:
    """Telegram's limit is 4096 characters of text."""
    notice = privacy_notice(config_from_data(default_config_data(), base_dir=Path(".")))
    assert len(notice) < 4096
    assert "St Albans City &amp; District Council" in notice
