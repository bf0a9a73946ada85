"""Each agency's inbox on the page: the e-mail and webhook calls the sandbox caught for it.

The catchers keep what arrives in the sandbox folder (``mail/*.eml``, ``webhooks.jsonl``); this
module reads them back per agency. An e-mail belongs to the agencies whose configured address
it was sent to; a webhook call to the agency named in its address. Every text is plain: the
page shows it as text, never as HTML.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from bot.config import Agency, Config

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Letter:
    """One e-mail or webhook call, as the agency's inbox shows it."""

    number: int  # its place in the inbox, oldest first (1, 2, ...)
    kind: str  # "email" or "webhook"
    subject: str
    sender: str
    body: str

    def as_json(self) -> dict[str, Any]:
        """The letter as the page's JSON route gives it."""
        return asdict(self)


def inbox_agencies(config: Config) -> list[Agency]:
    """The agencies that take e-mail or webhook calls, and so have an inbox."""
    return [a for a in config.agencies if a.email or a.webhook_url]


class Inbox:
    """The caught e-mail and webhook calls, read per agency."""

    def __init__(self, config: Config, mail: Path, webhooks: Path) -> None:
        self._agencies = {a.id: a for a in inbox_agencies(config)}
        self._mail = mail
        self._webhooks = webhooks

    def has(self, agency_id: str) -> bool:
        """Whether the agency has an inbox."""
        return agency_id in self._agencies

    def letters(self, agency_id: str) -> list[Letter]:
        """The agency's e-mail and webhook calls, e-mail first, each oldest first."""
        agency = self._agencies[agency_id]
        found: list[tuple[str, str, str, str]] = []
        if agency.email:
            found.extend(self._emails_to(agency.email))
        found.extend(self._calls_for(agency.id))
        return [Letter(n, *entry) for n, entry in enumerate(found, start=1)]

    def _emails_to(self, address: str) -> list[tuple[str, str, str, str]]:
        wanted = address.casefold()
        found = []
        for path in sorted(self._mail.glob("*.eml")):
            try:
                message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            except (OSError, ValueError):
                logger.warning("A caught e-mail cannot be read: %s", path.name)
                continue
            recipients = getaddresses(
                [str(message.get(h, "")) for h in ("To", "Cc", "Bcc") if message.get(h)]
            )
            if wanted not in {a.casefold() for _, a in recipients}:
                continue
            found.append(
                (
                    "email",
                    str(message.get("Subject", "")),
                    str(message.get("From", "")),
                    _text(message),
                )
            )
        return found

    def _calls_for(self, agency_id: str) -> list[tuple[str, str, str, str]]:
        if not self._webhooks.exists():
            return []
        found = []
        for line in self._webhooks.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict) or record.get("agency") != agency_id:
                continue
            body = record.get("body")
            subject = "Webhook call"
            if isinstance(body, dict):
                subject = "Open311 service request: " + " · ".join(
                    str(body[k]) for k in ("service_name", "address_string") if body.get(k)
                )
            text = (
                json.dumps(body, indent=2, ensure_ascii=False)
                if not isinstance(body, str)
                else body
            )
            found.append(("webhook", subject, "The bot (signed webhook)", text))
        return found


def _text(message: EmailMessage) -> str:
    """The message's plain text (its text part), else a note that it has none."""
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return "(no plain text in this e-mail)"
    try:
        return str(part.get_content())
    except (LookupError, ValueError):
        return "(the text of this e-mail cannot be read)"
