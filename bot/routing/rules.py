"""Which agencies receive a report, how urgent it is, and by when they should act.

Domain logic only (no Telegram): the rules come from the configuration's ``[[routes]]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import PRIORITIES, Category, Config, Priority, Route, questions
from bot.config.questions import Answer


@dataclass(frozen=True, slots=True)
class Routing:
    """The agencies a report goes to, its priority and its response targets."""

    agencies: tuple[str, ...]
    priority: Priority
    acknowledge_by: datetime
    resolve_by: datetime


def _matches(route: Route, answers: Mapping[str, Answer], ward: str | None) -> bool:
    if route.wards and ward not in route.wards:
        return False
    for question_id, wanted in route.when.items():
        given = answers.get(question_id)
        chosen = given if isinstance(given, list) else [given] if given else []
        if not set(chosen) & set(wanted):
            return False
    return True


def route(
    config: Config,
    category: Category,
    answers: Mapping[str, Answer],
    ward: str | None,
    now: datetime,
) -> Routing:
    """Apply the rules in order: matching rules add agencies until one says stop."""
    agencies: list[str] = []
    level = PRIORITIES.index(questions.priority(category, answers))
    acknowledge = timedelta(hours=category.acknowledge_within_hours)
    resolve = timedelta(days=category.resolve_within_days)
    for rule in config.routes:
        if rule.category != category.id or not _matches(rule, answers, ward):
            continue
        agencies += [a for a in rule.agencies if a not in agencies]
        if rule.priority is not None:
            level = max(level, PRIORITIES.index(rule.priority))
        if rule.acknowledge_within_hours is not None:
            acknowledge = min(acknowledge, timedelta(hours=rule.acknowledge_within_hours))
        if rule.resolve_within_hours is not None:
            resolve = min(resolve, timedelta(hours=rule.resolve_within_hours))
        if rule.stop:
            break
    return Routing(
        agencies=tuple(agencies) or category.agencies,
        priority=PRIORITIES[level],
        acknowledge_by=now + acknowledge,
        resolve_by=now + resolve,
    )
