"""The officers' button data: what the card's buttons and the follow-up choices carry, read
back in one place (``v1:o:<action>:<report id>:<agency id>[:<more>...]``)."""

from __future__ import annotations

from telegram import Update

_ID = r"(\d+):([a-z0-9_-]+)"
ACKNOWLEDGE = rf"^v1:o:ack:{_ID}$"
RESOLVE = rf"^v1:o:res:{_ID}$"
RESOLVE_NOW = rf"^v1:o:resn:{_ID}:\d+$"
RESOLVE_WITH_NOTE = rf"^v1:o:resw:{_ID}:\d+$"
REFER = rf"^v1:o:ref:{_ID}$"
REFER_TO = rf"^v1:o:reft:{_ID}:\d+:\d+$"
ASK = rf"^v1:o:ask:{_ID}$"
DETAILS = rf"^v1:o:det:{_ID}$"


def parts(update: Update) -> tuple[int, str, list[str]]:
    """The report id, the agency id and any further parts of an officer button's data."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    _, _, _, report_id, agency_id, *rest = query.data.split(":")
    return int(report_id), agency_id, rest


def resolve_choice(report_id: int, agency_id: str, card_id: int, *, with_note: bool) -> str:
    """The data of a "resolve now" or "write a note" button under the card ``card_id``."""
    return f"v1:o:res{'w' if with_note else 'n'}:{report_id}:{agency_id}:{card_id}"


def referral_choice(report_id: int, agency_id: str, card_id: int, index: int) -> str:
    """The data of the button choosing the ``index``-th team to refer the report to."""
    return f"v1:o:reft:{report_id}:{agency_id}:{card_id}:{index}"
