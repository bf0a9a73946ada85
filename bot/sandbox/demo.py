"""``safetybot sandbox --demo``: a realistic fortnight seeded before the bot starts.

Reports are submitted and acted on through the product's own services
(:class:`~bot.reporting.service.ReportService` and :class:`~bot.officers.service.OfficerService`),
with times spread over the past 14 days, so the stored rows are what the bot itself writes.
Each report is made by one of the sandbox's residents at a place of the district from the
gazetteer; some are left waiting (a few past the agency's target, so reminders and ``/queue``
have something to show), others are acknowledged, resolved with a note, or referred on.

The agencies' cards and e-mails the seeded reports queue are delivered by the bot when it
starts, so the agency chats show them. What the seeded past would have told the residents (their
confirmations and updates) is settled as delivered instead: a fortnight of messages arriving
at once in the residents' chats would bury the sandbox's first real report. Their reports are
still theirs: /myreports lists them, and a new action on one is sent to them. Nor do they
count against the residents' daily allowance: Sam and Alex can report at once. The cards of
reports already acted on are brought to their final state once the bot has sent them
(:mod:`bot.sandbox.demo_cards`).

The choices come from a fixed random seed, so every demo has the same mix; only the references
(random, as the bot makes them) and the clock differ.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.config import Category, Config
from bot.config.questions import Answer, first_question, next_question
from bot.geo import Locator
from bot.geo.gazetteer import Place
from bot.officers.service import OfficerService
from bot.reporting.draft import Draft, Location
from bot.reporting.service import ReportService
from bot.sandbox.people import people
from storage.db import Database
from storage.keyring import key_path, load_or_create_key
from storage.outbox import OutboxRepository
from storage.residents import ResidentCounterRepository
from storage.routings import RoutingRepository

logger = logging.getLogger(__name__)

SEED = 9  # the number: any fixed number gives the same demo every time
DAYS = 14
REPORTS = 36
# The share of reports left in each state (the rest are acknowledged and still open).
WAITING, OVERDUE, RESOLVED, REFERRED = 0.2, 0.2, 0.25, 0.1

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "fly-tipping": (
        "Bags of rubbish and an old mattress dumped by the gate.",
        "A pile of builders' rubble left on the verge overnight.",
        "Black sacks split open across the path, attracting foxes.",
    ),
    "graffiti": (
        "Spray-painted tags all along the underpass wall.",
        "Graffiti on the bus shelter, it has been there a week.",
        "Someone has painted over the noticeboard by the shops.",
    ),
    "hate-incident": (
        "A group shouted abuse at my neighbour because of her headscarf.",
        "Offensive leaflets pushed through doors on our road.",
    ),
    "asb": (
        "Young people gathering late and throwing bottles at the fence.",
        "Loud music and shouting from the car park most nights after midnight.",
        "Street drinking outside the shop, people feel intimidated walking past.",
    ),
    "rogue-traders": (
        "A man knocked offering to fix the roof for cash, very pushy with my elderly neighbour.",
        "Callers claiming to be from the water board asked to come in.",
    ),
    "drug-dealing": (
        "Cars pulling up for a couple of minutes then leaving, several times an evening.",
    ),
}
GENERIC = ("Seen while walking past; it has happened before.",)
NOTES = (
    "Cleared by our crew this morning. Thank you for telling us.",
    "Officers visited and spoke to those involved; we will keep patrolling.",
    "Removed, and the site is on our list for regular checks.",
    "Dealt with: the owner has been contacted and warned.",
)


@dataclass(frozen=True, slots=True)
class Acted:
    """What an officer did to a seeded report, for its card to show once the bot sent it
    (see :mod:`bot.sandbox.demo_cards`)."""

    report_id: int
    agency_id: str
    officer: str
    acknowledged_at: datetime
    fate: str  # "acknowledged", "resolved" or "referred"
    closed_at: datetime | None = None
    note: str | None = None
    referred_to: str | None = None  # the agency's name


@dataclass(frozen=True, slots=True)
class Seeded:
    """How many reports the demo made, how many of them were left in each state, and what the
    officers did."""

    reports: int
    waiting: int
    overdue: int
    acknowledged: int
    resolved: int
    referred: int
    acted: tuple[Acted, ...] = ()


async def seed_demo(config: Config, db: Database, now: datetime) -> Seeded:
    """Seed the fortnight into an empty database (see the module's doc)."""
    rng = random.Random(SEED)
    reports = ReportService(config, db, load_or_create_key(key_path(db.path)))
    officers = OfficerService(config, db)
    routings = RoutingRepository(db)
    locator = Locator.from_config(config.geography)
    places = sorted(
        (
            p
            for p in locator.gazetteer.places
            if p.in_district and p.kind not in ("postcode", "postcode_district")
        ),
        key=lambda p: p.name,
    )
    everyone = people(config)
    residents = [p for p in everyone if p.role == "resident"]
    names = {p.user_id: p.name for p in everyone}
    counts = dict.fromkeys(("waiting", "overdue", "acknowledged", "resolved", "referred"), 0)
    planned = []
    for number in range(REPORTS):
        category = config.categories[number % len(config.categories)]
        fate = _fate(rng.random())
        created = _created(rng, category, fate, now)
        draft = _draft(rng, category, locator, rng.choice(places), created)
        planned.append((created, number, category, fate, residents[number % len(residents)], draft))
    planned.sort(key=lambda plan: (plan[0], plan[1]))  # submitted in the order they were made
    acted: list[Acted] = []
    for created, _, category, fate, resident, draft in planned:
        submitted = await reports.submit(draft, resident.user_id, resident.user_id, created)
        report = submitted.report
        agency = (await routings.agencies(report.id))[0].agency_id
        officer = next(iter(config.agency(agency).officers), None)
        if officer is None or fate in ("waiting", "overdue"):
            counts["overdue" if fate == "overdue" else "waiting"] += 1
            continue
        name = names.get(officer, "Officer")
        acted_at = _between(rng, created, now, hours=min(category.acknowledge_within_hours, 8))
        await officers.acknowledge(report.id, agency, officer, name, acted_at)
        later = _between(rng, acted_at, now, hours=72)
        targets = officers.referral_targets(report, agency)
        done = Acted(report.id, agency, name, acted_at, "acknowledged")
        if fate == "referred" and targets:
            target = rng.choice(targets)
            await officers.refer(report.id, agency, target, officer, name, later)
            done = replace(done, fate=fate, closed_at=later, referred_to=config.agency(target).name)
        elif fate == "resolved":
            note = rng.choice(NOTES)
            await officers.resolve(report.id, agency, officer, name, note, later)
            done = replace(done, fate=fate, closed_at=later, note=note)
        else:
            fate = "acknowledged"
        counts[fate] += 1
        acted.append(done)
    await _settle_residents_past(db, {p.user_id for p in residents}, now)
    # The seeded reports are not the residents' own today: they must be able to report at once.
    await ResidentCounterRepository(db).forget_before("9999-12-31")
    logger.info("Seeded %d demo reports", REPORTS)
    return Seeded(reports=REPORTS, **counts, acted=tuple(acted))


def _fate(draw: float) -> str:
    bounds = (
        (WAITING, "waiting"),
        (WAITING + OVERDUE, "overdue"),
        (WAITING + OVERDUE + RESOLVED, "resolved"),
        (WAITING + OVERDUE + RESOLVED + REFERRED, "referred"),
    )
    return next((fate for bound, fate in bounds if draw < bound), "acknowledged")


def _created(rng: random.Random, category: Category, fate: str, now: datetime) -> datetime:
    """When it was reported: a waiting report within its target, an overdue one well past it,
    anything else at any time of the fortnight that leaves room for what followed."""
    target = timedelta(hours=category.acknowledge_within_hours)
    if fate == "waiting":
        return now - target * rng.uniform(0.05, 0.5)
    fortnight = timedelta(days=DAYS)
    if fate == "overdue":
        return now - max(target * 1.5, fortnight * rng.uniform(0.2, 1.0))
    return now - fortnight * rng.uniform(0.15, 1.0)


def _between(rng: random.Random, start: datetime, end: datetime, *, hours: float) -> datetime:
    """A moment after ``start``, at most ``hours`` later and never after ``end``."""
    span = min((end - start).total_seconds(), hours * 3600)
    return start + timedelta(seconds=span * rng.uniform(0.1, 0.9))


def _draft(
    rng: random.Random, category: Category, locator: Locator, place: Place, created: datetime
) -> Draft:
    placement = locator.locate(place.latitude, place.longitude)
    return Draft(
        step="review",
        category=category.id,
        answers=_answers(rng, category),
        location=Location(
            latitude=place.latitude,
            longitude=place.longitude,
            label=place.name,
            verdict=placement.verdict,
            ward=placement.ward,
            nearest_place=placement.nearest_place,
            council=placement.council,
        ),
        occurred_at=created - timedelta(minutes=rng.randint(5, 360)),
        occurred_label="Earlier today",
        description=rng.choice(DESCRIPTIONS.get(category.id, GENERIC)),
        anonymous=category.sensitive and rng.random() < 0.5,
        reviewing=True,
    )


def _answers(rng: random.Random, category: Category) -> dict[str, Answer]:
    """An answer to each question the category asks, given the answers before it."""
    answers: dict[str, Answer] = {}
    question = first_question(category, answers)
    while question is not None:
        options = [o.id for o in question.options]
        if question.kind == "choice" and options:
            answers[question.id] = rng.choice(options)
        elif question.kind == "multi" and options:
            answers[question.id] = rng.sample(options, k=min(len(options), rng.randint(1, 2)))
        else:
            answers[question.id] = None if question.optional else "Near the entrance."
        question = next_question(category, answers, question.id)
    return answers


async def _settle_residents_past(db: Database, residents: set[int], now: datetime) -> None:
    """Settle what the seeded past queued for the residents' chats as delivered; give every
    other item (the agencies' cards, e-mails, webhook calls) back to be sent by the bot."""
    outbox = OutboxRepository(db)
    others: list[int] = []
    while claimed := await outbox.claim_due(now=now, limit=100):
        for item in claimed:
            if _is_resident(item.target, residents):
                await outbox.mark_sent(item.id, now=now)
            else:
                others.append(item.id)
    await outbox.release(others, until=now, reason="seeded for the demo")


def _is_resident(target: str, residents: set[int]) -> bool:
    try:
        return int(target) in residents
    except ValueError:  # an e-mail address or a webhook
        return False
