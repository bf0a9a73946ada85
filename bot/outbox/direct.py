"""One outbox item sent at once, outside the dispatcher: the resident's confirmation, which
should not wait behind the agencies' cards in the queue (replies to residents come first).

The item is already in the outbox, written with the change it confirms and due only a lease
later. Here it is claimed (a lease, as the dispatcher's claims are), sent once, and settled; if
the send fails in any way it is handed to the dispatcher, due at once or after the wait
Telegram asked for, and the dispatcher alone retries it (or gives up and tells the admins). If
the process dies before this runs, the lease ends and the dispatcher sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.outbox.dispatcher import PermanentFailure, RetryLater, Sender
from storage.outbox import OutboxRepository
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


async def send_now(
    outbox: OutboxRepository,
    sender: Sender,
    item_id: int,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> bool:
    """Send the pending item ``item_id`` now; True if it was sent, False if it was handed to
    the dispatcher (or was no longer this call's to send)."""
    item = await outbox.claim(item_id, now=clock())
    if item is None:
        return False
    wait = 0.0
    try:
        result = await sender.send(item)
    except RetryLater as error:
        reason, wait = error.reason, error.seconds or 0.0
    except PermanentFailure as error:  # the dispatcher tries once more, then tells the admins
        reason = error.reason
    except Exception as error:  # a bug or an unforeseen failure: the dispatcher takes over
        logger.exception(
            "outbox item %s (%s): unexpected error sending at once", item.id, item.kind
        )
        reason = f"unexpected {type(error).__name__}"
    else:
        await outbox.mark_sent(item.id, now=clock(), result=result)
        logger.info("outbox item %s (%s) sent at once", item.id, item.kind)
        return True
    logger.info(
        "outbox item %s (%s) not sent at once (%s); the dispatcher will retry it",
        item.id,
        item.kind,
        reason,
    )
    due = clock() + timedelta(seconds=max(0.0, wait))
    await outbox.schedule_retry(item.id, next_attempt_at=due, error=reason)
    return False
