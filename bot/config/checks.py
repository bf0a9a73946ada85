"""Checks across sections on the raw TOML: identifiers, duplicates, references, channels; and
the warnings about a valid configuration that will work, but less well than it could."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from bot import buttons
from bot.config.models import PACKAGE_PREFIX, Config
from bot.config.problems import Problem, key_path

_GEOGRAPHY_FILES = ("district_boundary", "wards_boundary", "neighbours_boundary")


def _items(raw: Mapping[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(section)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def cross_check(raw: Mapping[str, Any]) -> Iterable[Problem]:
    """Duplicates and references between sections, checked wherever the shapes allow."""
    ids: dict[str, set[str]] = {}
    for section in ("agencies", "categories", "topics", "areas"):
        seen: set[str] = set()
        for index, item in _items(raw, section):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in seen:
                yield Problem(f"{section}[{index}].id", f'duplicate id "{item_id}"')
            seen.add(item_id)
        ids[section] = seen
    telegram = raw.get("telegram")
    if isinstance(telegram, dict) and telegram.get("mode") == "webhook":
        webhook = telegram.get("webhook")
        if not (isinstance(webhook, dict) and webhook.get("public_url")):
            yield Problem(
                "telegram.webhook.public_url",
                'is required when telegram.mode is "webhook": the https address Telegram calls',
            )
    categories = {c.get("id"): c for _, c in _items(raw, "categories")}
    for index, route in _items(raw, "routes"):
        yield from _check_route(f"routes[{index}]", route, categories, ids["agencies"])
    chats: dict[int, str] = {}
    for index, agency in _items(raw, "agencies"):
        chat_id = agency.get("chat_id")
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            if chat_id in chats:
                yield Problem(
                    f"agencies[{index}].chat_id",
                    f"chat {chat_id} is already the chat of agency {chats[chat_id]!r}; "
                    "each agency needs its own group chat",
                )
            chats.setdefault(chat_id, str(agency.get("id")))
        yield from _check_channels(key_path(("agencies", index), raw), agency, raw)
    yield from _check_smtp(raw.get("smtp"))
    yield from _check_shipped_files(raw.get("geography"))
    yield from _check_areas(raw)
    yield from _check_button_lengths(raw)
    yield from _check_category_lists(raw, "clusters", ("categories",), set(categories))
    yield from _check_category_lists(
        raw, "case_review", ("categories", "hate_categories"), set(categories)
    )
    for index, category in _items(raw, "categories"):
        yield from _check_questions(f"categories[{index}]", category)
        agencies = category.get("agencies")
        if not isinstance(agencies, list):
            continue
        for position, agency_id in enumerate(agencies):
            if isinstance(agency_id, str) and agency_id not in ids["agencies"]:
                known = ", ".join(sorted(ids["agencies"])) or "none defined"
                yield Problem(
                    f"categories[{index}].agencies[{position}]",
                    f'no agency has id "{agency_id}" (known: {known})',
                )


def _check_category_lists(
    raw: Mapping[str, Any], table_name: str, keys: Sequence[str], category_ids: set[object]
) -> Iterable[Problem]:
    """The categories a table's lists ([clusters] watched, [case_review] counted) name that no
    configured category has."""
    table = raw.get(table_name)
    if not isinstance(table, dict):
        return
    known = ", ".join(sorted(str(c) for c in category_ids if c is not None)) or "none defined"
    for key in keys:
        listed = table.get(key)
        if not isinstance(listed, list):
            continue
        for position, category_id in enumerate(listed):
            if isinstance(category_id, str) and category_id not in category_ids:
                yield Problem(
                    f"{table_name}.{key}[{position}]",
                    f'no category has id "{category_id}" (known: {known})',
                )


def _check_channels(
    path: str, agency: Mapping[str, Any], raw: Mapping[str, Any]
) -> Iterable[Problem]:
    """E-mail needs an [smtp] table; a webhook needs the name of its secret's variable."""
    if agency.get("email") is not None and not isinstance(raw.get("smtp"), dict):
        yield Problem(f"{path}.email", "needs an [smtp] table saying how to send e-mail")
    has_url = agency.get("webhook_url") is not None
    has_secret = agency.get("webhook_secret_env") is not None
    if has_url and not has_secret:
        yield Problem(
            f"{path}.webhook_secret_env",
            "is required with webhook_url: the NAME of the environment variable holding "
            "the HMAC secret",
        )
    if has_secret and not has_url:
        yield Problem(f"{path}.webhook_url", "is required with webhook_secret_env")


def _check_shipped_files(geography: Any) -> Iterable[Problem]:
    """A ``package:`` path names a file inside the package, never one outside it."""
    if not isinstance(geography, dict):
        return
    for key in (*_GEOGRAPHY_FILES, "gazetteer", "postcodes"):
        value = geography.get(key)
        if not (isinstance(value, str) and value.startswith(PACKAGE_PREFIX)):
            continue
        inside = PurePosixPath(value.removeprefix(PACKAGE_PREFIX))
        if not inside.parts or inside.is_absolute() or ".." in inside.parts:
            yield Problem(
                f"geography.{key}",
                f"names a file shipped inside the package, such as "
                f'"{PACKAGE_PREFIX}geo/outlines/st_albans_district.geojson"; got {value!r}',
            )


_AREA_GEOMETRIES = ("wards", "places", "boundary")


def _check_areas(raw: Mapping[str, Any]) -> Iterable[Problem]:
    """Each area has exactly one of wards, places or boundary; no ward or place is in two areas;
    wards need a wards boundary file. (Whether each ward, place and file exists is checked when
    the areas are built against the geography: see bot.geo.areas.)"""
    geography = raw.get("geography")
    has_ward_file = isinstance(geography, dict) and geography.get("wards_boundary") is not None
    owners: dict[tuple[str, str], str] = {}
    for index, area in _items(raw, "areas"):
        path = key_path(("areas", index), raw)
        given = [key for key in _AREA_GEOMETRIES if key in area]
        if len(given) != 1:
            found = f"it has {' and '.join(given)}" if given else "it has none"
            yield Problem(
                path,
                "needs exactly one of wards = [...] (ward names), places = [...] (places of "
                f'the gazetteer) or boundary = "file.geojson" (a polygon file); {found}',
            )
        if "wards" in area and not has_ward_file:
            yield Problem(
                f"{path}.wards",
                "needs a wards boundary file: name one in geography.wards_boundary, or give the "
                "area by places or boundary instead",
            )
        boundary = area.get("boundary")
        if isinstance(boundary, str) and boundary.startswith(PACKAGE_PREFIX):
            inside = PurePosixPath(boundary.removeprefix(PACKAGE_PREFIX))
            if not inside.parts or inside.is_absolute() or ".." in inside.parts:
                yield Problem(
                    f"{path}.boundary",
                    f"names a file shipped inside the package; got {boundary!r}",
                )
        for kind in ("wards", "places"):
            names = area.get(kind)
            if not isinstance(names, list):
                continue
            for position, name in enumerate(names):
                if not isinstance(name, str):
                    continue
                owner = owners.get((kind, name.casefold()))
                if owner is not None:
                    yield Problem(
                        f"{path}.{kind}[{position}]",
                        f'"{name}" is already in area "{owner}"; '
                        f"each {kind[:-1]} belongs to one area",
                    )
                owners.setdefault((kind, name.casefold()), str(area.get("id")))


def config_warnings(config: Config) -> list[str]:
    """What a valid configuration will do less well than it could, in words for the person
    checking it: today, a district decided without boundary files."""
    geography = config.geography
    warnings: list[str] = []
    if geography.district_boundary is None and geography.wards_boundary is None:
        warnings.append(
            "geography: no boundary files are named (district_boundary, wards_boundary, "
            "neighbours_boundary), so the bot will judge whether a pin is in the district from "
            "its list of places and postcodes. It never turns away a pin it is unsure about: "
            "near the edge it accepts the report and marks it for the agency to confirm, and "
            "it names no ward. Name your district's ONS boundary files to decide exactly."
        )
    elif geography.neighbours_boundary is None:
        warnings.append(
            "geography: no neighbours_boundary is named, so a pin outside the district is "
            "refused naming the council that covers it only where the list of places is sure."
        )
    if geography.wards_boundary is None and any(route.wards for route in config.routes):
        warnings.append(
            "routes: some routes name wards, but no wards_boundary is named, so reports carry "
            "no ward and those routes never match."
        )
    warnings += _insight_warnings(config)
    warnings += _case_review_warnings(config)
    return warnings


def _case_review_warnings(config: Config) -> list[str]:
    """A case review left on whose counted categories (its defaults, when the file has no
    [case_review] table) are none of the configured ones: nobody would ever be told."""
    rule = config.case_review
    known = {c.id for c in config.categories}
    if not rule.enabled or known.intersection(rule.categories):
        return []
    return [
        f"case_review: none of its categories ({', '.join(rule.categories)}) is a configured "
        "category, so no resident is ever told of their right to an ASB Case Review. Name your "
        "anti-social behaviour categories, or set enabled = false."
    ]


def _insight_warnings(config: Config) -> list[str]:
    """The [insight] questions that no sensitive category asks: their statistics stay empty."""
    asked = {q.id for c in config.categories if c.sensitive for q in c.questions}
    insight = config.insight
    return [
        f"insight: {key} = {question!r} is not a question of any sensitive category, so the "
        f"statistics have no {what}."
        for key, question, what in (
            ("motivation_question", insight.motivation_question, "perceived motivation"),
            ("reporter_question", insight.reporter_question, "count of who reported"),
        )
        if question not in asked
    ]


def _check_smtp(smtp: Any) -> Iterable[Problem]:
    """A login needs both the user name and the name of the password's variable."""
    if not isinstance(smtp, dict):
        return
    if smtp.get("username") is not None and smtp.get("password_env") is None:
        yield Problem("smtp.password_env", "is required with smtp.username")
    if smtp.get("password_env") is not None and smtp.get("username") is None:
        yield Problem("smtp.username", "is required with smtp.password_env")


def _check_questions(path: str, category: Mapping[str, Any]) -> Iterable[Problem]:
    """Question ids unique, options fit the kind, and `when` names earlier answers."""
    questions = category.get("questions")
    if not isinstance(questions, list):
        return
    earlier: dict[str, set[str]] = {}
    for index, question in enumerate(questions):
        if not isinstance(question, dict):
            continue
        where = f"{path}.questions[{index}]"
        options = [o for o in question.get("options") or [] if isinstance(o, dict)]
        option_ids = [str(o["id"]) for o in options if isinstance(o.get("id"), str)]
        kind = question.get("kind", "choice")
        if kind in ("choice", "multi") and len(options) < 2:
            yield Problem(f"{where}.options", f'a "{kind}" question needs at least two options')
        if kind == "text" and options:
            yield Problem(f"{where}.options", 'a "text" question has no options')
        for dup in sorted({o for o in option_ids if option_ids.count(o) > 1}):
            yield Problem(f"{where}.options", f'duplicate option id "{dup}"')
        when = question.get("when")
        if isinstance(when, dict):
            for other, wanted in when.items():
                if other not in earlier:
                    yield Problem(f"{where}.when.{other}", "names no earlier question")
                    continue
                for option in wanted if isinstance(wanted, list) else []:
                    if isinstance(option, str) and option not in earlier[other]:
                        yield Problem(
                            f"{where}.when.{other}", f'question "{other}" has no option "{option}"'
                        )
        question_id = question.get("id")
        if isinstance(question_id, str):
            if question_id in earlier:
                yield Problem(f"{where}.id", f'duplicate question id "{question_id}"')
            earlier[question_id] = set(option_ids)


def _check_route(
    path: str,
    route: Mapping[str, Any],
    categories: Mapping[Any, Mapping[str, Any]],
    agencies: set[str],
) -> Iterable[Problem]:
    """A route names a known category, known agencies, and that category's answers."""
    category = categories.get(route.get("category"))
    if isinstance(route.get("category"), str) and category is None:
        yield Problem(f"{path}.category", f'no category has id "{route["category"]}"')
    for position, agency_id in enumerate(route.get("agencies") or []):
        if isinstance(agency_id, str) and agency_id not in agencies:
            yield Problem(f"{path}.agencies[{position}]", f'no agency has id "{agency_id}"')
    when = route.get("when")
    if category is None or not isinstance(when, dict):
        return
    options = {
        q.get("id"): {o.get("id") for o in q.get("options") or [] if isinstance(o, dict)}
        for q in category.get("questions") or []
        if isinstance(q, dict)
    }
    for question_id, wanted in when.items():
        if question_id not in options:
            yield Problem(f"{path}.when.{question_id}", "names no question of its category")
            continue
        for option in wanted if isinstance(wanted, list) else []:
            if isinstance(option, str) and option not in options[question_id]:
                yield Problem(
                    f"{path}.when.{question_id}",
                    f'question "{question_id}" has no option "{option}"',
                )


def _too_long(button: buttons.Button) -> str | None:
    size = buttons.size(button)
    if size <= buttons.LIMIT:
        return None
    return f"{size} bytes, and Telegram allows {buttons.LIMIT}"


def _check_button_lengths(raw: Mapping[str, Any]) -> Iterable[Problem]:
    """Every button names its category, question, option or agencies by id, and Telegram
    carries at most 64 bytes for a button: the ids that appear together must fit."""
    for c_index, category in _items(raw, "categories"):
        c_id = category.get("id")
        if not isinstance(c_id, str):
            continue
        for q_index, question in enumerate(category.get("questions") or []):
            q_id = question.get("id") if isinstance(question, dict) else None
            if not isinstance(q_id, str):
                continue
            where = ("categories", c_index, "questions", q_index)
            problem = _too_long(buttons.SkipQuestion(c_id, q_id))
            if problem is not None:
                yield Problem(
                    key_path((*where, "id"), raw),
                    f"too long for a button: with its category's id, its Skip or Done button "
                    f"would need {problem}; shorten the question's or the category's id",
                )
                continue
            for o_index, option in enumerate(question.get("options") or []):
                o_id = option.get("id") if isinstance(option, dict) else None
                if not isinstance(o_id, str):
                    continue
                problem = _too_long(buttons.PickOption(c_id, q_id, o_id))
                if problem is not None:
                    yield Problem(
                        key_path((*where, "options", o_index, "id"), raw),
                        f"too long for a button: with its question's and category's ids, the "
                        f"option's button would need {problem}; shorten one of these ids",
                    )
    agencies = [(i, a["id"]) for i, a in _items(raw, "agencies") if isinstance(a.get("id"), str)]
    for index, agency_id in agencies:
        others = [other for _, other in agencies if other != agency_id]
        longest = max(others, key=len, default=None)
        problem = _too_long(buttons.ReferTo(0, agency_id, 0, longest or agency_id))
        if longest is not None and problem is not None:
            yield Problem(
                key_path(("agencies", index, "id"), raw),
                f'too long for a button: passing a report from it to "{longest}" would need '
                f"{problem}; shorten one of these ids",
            )
    # News buttons name a topic or an area (buttons.NewsTopic, buttons.NewsArea).
    for section, make in (("topics", buttons.NewsTopic), ("areas", buttons.NewsArea)):
        for index, entry in _items(raw, section):
            entry_id = entry.get("id")
            if not isinstance(entry_id, str):
                continue
            problem = _too_long(make(entry_id))
            if problem is not None:
                yield Problem(
                    key_path((section, index, "id"), raw),
                    f"too long for a button: its /news button would need {problem}; shorten the id",
                )
