"""The questions the shipped St Albans default asks in each category."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Category, Config, Option, Question, default_config_text, parse_config

CONFIG: Config = parse_config(default_config_text(), base_dir=Path("."))
CATEGORY_IDS = ("fly-tipping", "graffiti", "hate-incident", "asb", "rogue-traders", "drug-dealing")
ALL_OPTIONS = [
    pytest.param(option, id=f"{category.id}.{question.id}.{option.id}")
    for category in CONFIG.categories
    for question in category.questions
    for option in question.options
]


def category(category_id: str) -> Category:
    """The configured category with this id."""
    found = CONFIG.category(category_id)
    assert found is not None, category_id
    return found


def question(category_id: str, question_id: str) -> Question:
    """The question with this id in the category."""
    return next(q for q in category(category_id).questions if q.id == question_id)


def option(category_id: str, question_id: str, option_id: str) -> Option:
    """The option with this id in the question."""
    return next(o for o in question(category_id, question_id).options if o.id == option_id)


def option_ids(category_id: str, question_id: str) -> list[str]:
    """The option ids of a question, in order."""
    return [o.id for o in question(category_id, question_id).options]


def test_the_six_categories_keep_their_agencies() -> None:
    """The six St Albans categories are there, each still routed to its agency."""
    agencies = {c.id: c.agencies for c in CONFIG.categories}
    assert agencies == {
        "fly-tipping": ("sadc-waste",),
        "graffiti": ("sadc-cleansing",),
        "hate-incident": ("herts-police-hate",),
        "asb": ("sadc-asb",),
        "rogue-traders": ("herts-trading-standards",),
        "drug-dealing": ("herts-police-snt",),
    }


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_every_category_asks_at_least_two_questions(category_id: str) -> None:
    """Each category asks at least two questions."""
    assert len(category(category_id).questions) >= 2


@pytest.mark.parametrize("item", ALL_OPTIONS)
def test_every_button_label_fits(item: Option) -> None:
    """Every button label is at most 40 characters."""
    assert len(item.label) <= 40, item.label


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_every_when_names_an_earlier_question_and_its_options(category_id: str) -> None:
    """Each conditional question depends on an earlier question's real options."""
    earlier: dict[str, set[str]] = {}
    for q in category(category_id).questions:
        for other, wanted in q.when.items():
            assert other in earlier, (q.id, other)
            assert set(wanted) <= earlier[other], (q.id, wanted)
        earlier[q.id] = {o.id for o in q.options}


@pytest.mark.parametrize(
    ("category_id", "question_id", "option_id"),
    [
        ("fly-tipping", "waste", "hazardous"),
        ("hate-incident", "ongoing", "yes"),
        ("rogue-traders", "still-there", "yes"),
    ],
)
def test_danger_answers_warn_and_are_urgent(
    category_id: str, question_id: str, option_id: str
) -> None:
    """An answer that means danger shows a warning at once and makes the report urgent."""
    chosen = option(category_id, question_id, option_id)
    assert chosen.priority == "urgent"
    assert chosen.warning


def test_hazardous_waste_warns_not_to_touch() -> None:
    """The hazardous waste option tells the resident not to touch or move it."""
    warning = option("fly-tipping", "waste", "hazardous").warning or ""
    assert "not touch" in warning.lower()
    assert "move" in warning.lower()


@pytest.mark.parametrize(("question_id", "option_id"), [("ongoing", "yes"), ("still-there", "yes")])
def test_happening_now_says_call_999(question_id: str, option_id: str) -> None:
    """An incident still happening tells the resident to call 999."""
    category_id = "hate-incident" if question_id == "ongoing" else "rogue-traders"
    assert "999" in (option(category_id, question_id, option_id).warning or "")


def test_fly_tipping_asks_waste_amount_land_and_seen() -> None:
    """Fly tipping asks what, how much, where and whether it was seen, in that order."""
    ids = [q.id for q in category("fly-tipping").questions]
    assert ids[:4] == ["waste", "amount", "land", "seen"]
    assert question("fly-tipping", "waste").kind == "multi"
    assert option_ids("fly-tipping", "land") == ["road", "park", "private", "railway", "water"]
    assert option_ids("fly-tipping", "seen") == ["yes", "no"]


def test_larger_fly_tips_raise_priority() -> None:
    """Van and lorry loads raise priority; a single bag does not."""
    assert option("fly-tipping", "amount", "single").priority is None
    assert option("fly-tipping", "amount", "large-van").priority == "high"
    assert option("fly-tipping", "amount", "lorry").priority == "high"


@pytest.mark.parametrize("question_id", ["vehicle", "witness"])
def test_vehicle_and_witness_only_when_seen(question_id: str) -> None:
    """The vehicle and witness questions are asked only when the dumping was seen."""
    assert question("fly-tipping", question_id).when == {"seen": ("yes",)}


def test_fly_tip_vehicle_is_optional_short_text() -> None:
    """The vehicle details are short typed text that can be skipped."""
    vehicle = question("fly-tipping", "vehicle")
    assert (vehicle.kind, vehicle.optional) == ("text", True)
    assert vehicle.max_length <= 100
    assert option_ids("fly-tipping", "witness") == ["yes", "no", "not-sure"]


def test_offensive_graffiti_is_urgent() -> None:
    """Every offensive kind of graffiti is urgent and plain graffiti is not."""
    offensive = question("graffiti", "offensive")
    assert offensive is category("graffiti").questions[0]
    assert offensive.text == "Is it offensive?"
    by_id = {o.id: o.priority for o in offensive.options}
    assert by_id.pop("no") is None
    assert {"racist", "religious", "homophobic", "obscene"} <= set(by_id)
    assert set(by_id.values()) == {"urgent"}


def test_graffiti_asks_where_and_how_big() -> None:
    """Graffiti asks what it is on and roughly how big it is."""
    assert option_ids("graffiti", "property") == [
        "council",
        "private",
        "street-furniture",
        "railway",
    ]
    assert option_ids("graffiti", "size") == ["small", "door", "large"]


def test_hate_incident_allows_several_motivations() -> None:
    """The five monitored strands can be chosen together, with a not-sure answer."""
    motivation = question("hate-incident", "motivation")
    assert motivation.kind == "multi"
    ids = {o.id for o in motivation.options}
    assert {"race", "religion", "sexual-orientation", "disability", "transgender"} <= ids
    assert "other" in ids


def test_hate_incident_says_no_proof_is_needed() -> None:
    """The hate incident intro says no proof is needed and perception is enough."""
    intro = (category("hate-incident").intro or "").lower()
    assert "no proof" in intro or "do not need proof" in intro
    assert "anyone else" in intro
    assert "hostility or prejudice" in intro


def test_hate_incident_signposts_true_vision_and_victim_support() -> None:
    """After a hate incident report the resident is told of True Vision and Victim Support."""
    signpost = category("hate-incident").signpost or ""
    assert "report-it.org.uk" in signpost
    assert "08 08 16 89 111" in signpost


def test_hate_incident_is_sensitive_county_wide_and_allows_a_phone() -> None:
    """Hate incidents are sensitive, county-wide and may carry a phone number."""
    hate = category("hate-incident")
    assert (hate.sensitive, hate.county_wide, hate.allow_phone) == (True, True, True)
    assert option_ids("hate-incident", "reporter") == ["victim", "witness", "for-someone"]
    assert question("hate-incident", "what").kind == "multi"


def test_asb_frequency_only_when_repeated() -> None:
    """Anti-social behaviour asks how often only when it happens repeatedly."""
    assert option_ids("asb", "pattern") == ["one-off", "repeated"]
    frequency = question("asb", "frequency")
    assert frequency.when == {"pattern": ("repeated",)}
    assert option_ids("asb", "frequency") == ["daily", "several-weekly", "weekly", "less-often"]
    assert len(question("asb", "kind").options) == 7


def test_rogue_traders_ask_who_was_affected_and_allow_a_phone() -> None:
    """Rogue trader reports say who was called on, allow a phone and signpost Citizens Advice."""
    rogue = category("rogue-traders")
    assert rogue.allow_phone
    assert "0808 223 1133" in (rogue.signpost or "")
    assert option_ids("rogue-traders", "affected") == ["me", "relative-neighbour", "someone-else"]
    assert {"doorstep-selling", "bogus-official", "bad-work", "money"} <= set(
        option_ids("rogue-traders", "what")
    )


def test_drug_dealing_signposts_crimestoppers() -> None:
    """Drug dealing reports signpost Crimestoppers for fully anonymous information."""
    drugs = category("drug-dealing")
    assert "0800 555 111" in (drugs.signpost or "")
    assert (drugs.sensitive, drugs.county_wide) == (True, True)
    assert option_ids("drug-dealing", "seen") == ["street", "vehicle", "property", "litter"]
    assert option_ids("drug-dealing", "frequency") == ["first", "repeated"]
    vehicle = question("drug-dealing", "vehicle")
    assert (vehicle.kind, vehicle.optional) == ("text", True)
