"""Which category question comes next, what an answer means, and how urgent a report is."""

from __future__ import annotations

from collections.abc import Mapping

from bot.config.models import PRIORITIES, Category, Option, Priority, Question

Answer = str | list[str] | None  # an option id, several, typed text, or None when skipped


def applies(question: Question, answers: Mapping[str, Answer]) -> bool:
    """Whether a question is asked, given the answers so far (its `when` conditions)."""
    for other, wanted in question.when.items():
        given = answers.get(other)
        chosen = given if isinstance(given, list) else [given] if given else []
        if not set(chosen) & set(wanted):
            return False
    return True


def first_question(category: Category, answers: Mapping[str, Answer]) -> Question | None:
    """The first question that applies, or None if the category asks none."""
    return next((q for q in category.questions if applies(q, answers)), None)


def next_question(category: Category, answers: Mapping[str, Answer], after: str) -> Question | None:
    """The next question that applies after the one with id ``after``, or None when done."""
    ids = [q.id for q in category.questions]
    start = ids.index(after) + 1 if after in ids else 0
    return next((q for q in category.questions[start:] if applies(q, answers)), None)


def question(category: Category, question_id: str | None) -> Question | None:
    """The category's question with this id, or None."""
    return next((q for q in category.questions if q.id == question_id), None)


def prune(category: Category, answers: dict[str, Answer]) -> None:
    """Drop answers to questions that no longer apply (after an earlier answer changed)."""
    for q in category.questions:
        if q.id in answers and not applies(q, answers):
            del answers[q.id]


def chosen_options(question: Question, answer: Answer) -> list[Option]:
    """The options an answer picked, in the question's order."""
    picked = answer if isinstance(answer, list) else [answer] if answer else []
    return [o for o in question.options if o.id in picked]


def describe(question: Question, answer: Answer) -> str:
    """An answer in words, for the review and for officers."""
    if answer is None:
        return "Skipped"
    if question.kind == "text":
        return str(answer)
    return ", ".join(o.label for o in chosen_options(question, answer)) or "None"


def priority(category: Category, answers: Mapping[str, Answer]) -> Priority:
    """The category's priority, raised by any chosen option that asks for more."""
    level = PRIORITIES.index(category.priority)
    for q in category.questions:
        if q.id in answers and applies(q, answers):
            for option in chosen_options(q, answers[q.id]):
                if option.priority is not None:
                    level = max(level, PRIORITIES.index(option.priority))
    return PRIORITIES[level]
