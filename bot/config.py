"""The partnership's configuration: TOML read with tomllib into typed, frozen objects.

Validation reports every problem at once, each naming its key path (``agencies[2].chat_id``)
and what was expected, so that a partnership fixing its file sees the whole list in one go.
Field types and unknown keys are checked by the pydantic models; identifiers, duplicates and
references between sections are checked on the raw data, so they are reported even where other
fields of the same file are wrong.

Secrets (the bot token, the webhook secret) never live in the file: they come from the
environment and are held as ``SecretStr`` so they never appear in a ``repr`` or a log.
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

TOKEN_ENV = "SAFETYBOT_TOKEN"  # noqa: S105 - the variable's name, not a secret
WEBHOOK_SECRET_ENV = "SAFETYBOT_WEBHOOK_SECRET"  # noqa: S105 - the variable's name, not a secret
DEFAULT_API_URL = "https://api.telegram.org"
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")

NonEmpty = Annotated[StrictStr, Field(min_length=1)]
Identifier = Annotated[StrictStr, Field(pattern=_ID_PATTERN.pattern)]
ChatId = StrictInt
EmailAddress = Annotated[StrictStr, Field(pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")]
EnvName = Annotated[StrictStr, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Partnership(_Model):
    """Who runs this bot, for the texts residents read."""

    name: NonEmpty
    area_name: NonEmpty
    timezone: NonEmpty = "Europe/London"
    website: NonEmpty | None = None
    partners: tuple[NonEmpty, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"an IANA time zone such as 'Europe/London', got {value!r}") from None
        return value


class Webhook(_Model):
    """Where the bot listens when Telegram pushes updates instead of being polled."""

    listen: NonEmpty = "127.0.0.1"
    port: Annotated[StrictInt, Field(ge=1, le=65535)] = 8443
    url_path: NonEmpty = "telegram"
    public_url: NonEmpty | None = None


class Limits(_Model):
    """How fast the bot may send: Telegram's published flood limits unless a server allows more."""

    messages_per_second: Annotated[StrictInt, Field(ge=1)] = 30
    group_messages_per_minute: Annotated[StrictInt, Field(ge=1)] = 20


class Telegram(_Model):
    """How the bot reaches the Bot API."""

    api_url: NonEmpty = DEFAULT_API_URL
    mode: Literal["polling", "webhook"] = "polling"
    webhook: Webhook = Webhook()
    limits: Limits = Limits()

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"an http:// or https:// address, got {value!r}")
        return value.rstrip("/")


class Geocoding(_Model):
    """The Nominatim-compatible server that turns typed places into coordinates."""

    enabled: StrictBool = True
    scheme: Literal["http", "https"] = "https"
    domain: NonEmpty = "nominatim.openstreetmap.org"
    user_agent: NonEmpty = "safetybot"
    timeout_seconds: Annotated[StrictFloat | StrictInt, Field(gt=0)] = 5
    # The public Nominatim server allows one request a second (its usage policy).
    min_delay_seconds: Annotated[StrictFloat | StrictInt, Field(ge=0)] = 1


class Geography(_Model):
    """Where the district is: boundary files when given, else the shipped gazetteer."""

    district_council: NonEmpty
    district_boundary: Path | None = None
    wards_boundary: Path | None = None
    ward_name_property: NonEmpty = "WD13NM"
    neighbours_boundary: Path | None = None
    neighbour_name_property: NonEmpty = "LAD13NM"
    gazetteer: Path | None = None
    # Postcode units (python -m bot.geo.build_postcodes); the shipped gazetteer comes with its own.
    postcodes: Path | None = None
    geocoding: Geocoding = Geocoding()


class Storage(_Model):
    """The SQLite file that holds everything."""

    database: Path = Path("safetybot.sqlite3")


class Admins(_Model):
    """The partnership staff who run the bot."""

    user_ids: tuple[StrictInt, ...] = Field(min_length=1)
    chat_id: ChatId | None = None


class Agency(_Model):
    """A team that receives reports and acts on them in its group chat, and optionally also
    by e-mail (through ``[smtp]``) and by a signed webhook (an Open311 GeoReport v2 request)."""

    id: Identifier
    name: NonEmpty
    chat_id: ChatId
    officers: tuple[StrictInt, ...] = ()
    description: NonEmpty | None = None
    email: EmailAddress | None = None
    webhook_url: NonEmpty | None = None
    # The NAME of the environment variable holding the webhook's HMAC secret, never the secret.
    webhook_secret_env: EnvName | None = None

    @field_validator("webhook_url")
    @classmethod
    def _http_webhook(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"an http:// or https:// address, got {value!r}")
        return value


class Smtp(_Model):
    """The mail server that carries e-mail alerts to agencies that have an ``email``."""

    host: NonEmpty
    port: Annotated[StrictInt, Field(ge=1, le=65535)] = 587
    starttls: StrictBool = True
    username: NonEmpty | None = None
    # The NAME of the environment variable holding the password, never the password.
    password_env: EnvName | None = None
    sender: EmailAddress


Priority = Literal["low", "normal", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high", "urgent")


class Option(_Model):
    """One answer a resident can tap."""

    id: Identifier
    label: NonEmpty
    warning: NonEmpty | None = None  # shown as soon as it is chosen ("do not touch it")
    priority: Priority | None = None  # raises the report's priority to at least this


class Question(_Model):
    """A question a category asks, with buttons (choice, multi) or typed (text)."""

    id: Identifier
    text: NonEmpty
    kind: Literal["choice", "multi", "text"] = "choice"
    help: NonEmpty | None = None  # said with the question
    options: tuple[Option, ...] = ()
    optional: StrictBool = False  # offers a Skip button
    max_length: Annotated[StrictInt, Field(ge=1, le=1000)] = 200
    # Ask only when earlier answers match: {question_id = ["option_id", ...]}.
    when: dict[Identifier, tuple[Identifier, ...]] = {}


class Category(_Model):
    """A kind of incident a resident can report."""

    id: Identifier
    name: NonEmpty
    description: NonEmpty
    agencies: tuple[Identifier, ...] = Field(min_length=1)
    sensitive: StrictBool = False
    county_wide: StrictBool = False
    priority: Priority = "normal"
    intro: NonEmpty | None = None  # said when the category is chosen
    signpost: NonEmpty | None = None  # said after the report is submitted
    allow_phone: StrictBool = False  # may the resident add a phone number
    acknowledge_within_hours: Annotated[StrictInt, Field(ge=1)] = 24
    resolve_within_days: Annotated[StrictInt, Field(ge=1)] = 10
    questions: tuple[Question, ...] = ()


class Route(_Model):
    """A routing rule: when a report matches, these agencies receive it.

    Rules are read in order; every matching rule adds its agencies (raising the priority and
    tightening the targets where it sets them) until one with ``stop`` matches. A report no rule
    matches goes to its category's agencies.
    """

    category: Identifier
    agencies: tuple[Identifier, ...] = Field(min_length=1)
    when: dict[Identifier, tuple[Identifier, ...]] = {}  # answers, as for questions
    wards: tuple[NonEmpty, ...] = ()  # only in these wards (when the ward is known)
    priority: Priority | None = None
    acknowledge_within_hours: Annotated[StrictInt, Field(ge=1)] | None = None
    resolve_within_hours: Annotated[StrictInt, Field(ge=1)] | None = None
    stop: StrictBool = False


class Reporting(_Model):
    """Limits and timings of the report conversation."""

    daily_limit: Annotated[StrictInt, Field(ge=1)] = 5
    max_age_days: Annotated[StrictInt, Field(ge=1)] = 365
    description_max_chars: Annotated[StrictInt, Field(ge=50, le=3500)] = 1000
    max_photos: Annotated[StrictInt, Field(ge=0, le=10)] = 5
    timeout_minutes: Annotated[StrictFloat | StrictInt, Field(gt=0)] = 30
    duplicate_radius_metres: Annotated[StrictInt, Field(ge=0)] = 250
    duplicate_days: Annotated[StrictInt, Field(ge=0)] = 14


class Topic(_Model):
    """A kind of news subscribers can choose."""

    id: Identifier
    name: NonEmpty


class Area(_Model):
    """A part of the district subscribers can choose news for."""

    id: Identifier
    name: NonEmpty


class Config(_Model):
    """The whole configuration, validated."""

    partnership: Partnership
    telegram: Telegram = Telegram()
    storage: Storage = Storage()
    admins: Admins
    geography: Geography
    reporting: Reporting = Reporting()
    smtp: Smtp | None = None
    agencies: tuple[Agency, ...] = Field(min_length=1)
    categories: tuple[Category, ...] = Field(min_length=1)
    routes: tuple[Route, ...] = ()
    topics: tuple[Topic, ...] = ()
    areas: tuple[Area, ...] = ()

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id (ids are validated, so a configured id always exists)."""
        return next(a for a in self.agencies if a.id == agency_id)

    def category(self, category_id: str) -> Category | None:
        """The category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a configuration file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(Exception):
    """A configuration that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source} has {len(self.problems)} problem(s):\n{lines}")


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """A validated config and where it came from."""

    config: Config
    source: str


def default_config_text() -> str:
    """The St Albans City & District configuration shipped inside the package."""
    return resources.files("bot").joinpath("default_config.toml").read_text(encoding="utf-8")


def find_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The file to read: the one given, else ./config.toml, else None (the shipped default)."""
    if explicit is not None:
        return Path(explicit)
    local = Path("config.toml")
    return local if local.is_file() else None


def load_config(path: str | os.PathLike[str] | None = None) -> LoadedConfig:
    """Read and validate a configuration; raise ConfigError listing every problem.

    Relative paths in a file resolve against that file's folder; those in the shipped default
    resolve against the current folder.
    """
    chosen = find_config(path)
    if chosen is None:
        return LoadedConfig(parse_config(default_config_text(), base_dir=Path.cwd()), "default")
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            str(chosen), [Problem("", f"cannot read the file: {exc.strerror}")]
        ) from None
    try:
        config = parse_config(text, base_dir=chosen.absolute().parent)
    except ConfigError as exc:
        raise ConfigError(str(chosen), exc.problems) from None
    return LoadedConfig(config, str(chosen))


def parse_config(text: str, *, base_dir: Path) -> Config:
    """Validate TOML text into a Config; raise ConfigError listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", [Problem("", f"not valid TOML: {exc}")]) from None
    problems = list(_cross_check(raw))
    config: Config | None = None
    try:
        config = Config.model_validate(_resolve_paths(raw, base_dir))
    except ValidationError as exc:
        problems[:0] = _describe(exc, raw)
    if problems or config is None:
        raise ConfigError("config", problems)
    return config


def read_token(environ: Mapping[str, str] = os.environ) -> SecretStr | None:
    """The bot token from the environment, or None when it is not set."""
    token = environ.get(TOKEN_ENV, "").strip()
    return SecretStr(token) if token else None


def read_webhook_secret(environ: Mapping[str, str] = os.environ) -> SecretStr | None:
    """The secret Telegram must send with each webhook call, or None."""
    secret = environ.get(WEBHOOK_SECRET_ENV, "").strip()
    return SecretStr(secret) if secret else None


_PATH_KEYS = {
    "storage": ("database",),
    "geography": (
        "district_boundary",
        "wards_boundary",
        "neighbours_boundary",
        "gazetteer",
        "postcodes",
    ),
}


def _resolve_paths(raw: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """Resolve the relative file paths of a config against ``base_dir``."""
    resolved = dict(raw)
    for section, keys in _PATH_KEYS.items():
        table = raw.get(section)
        if not isinstance(table, dict):
            continue
        table = dict(table)
        for key in keys:
            if isinstance(table.get(key), str):  # other types are left for the model to report
                path = Path(table[key]).expanduser()
                table[key] = path if path.is_absolute() else base_dir / path
        resolved[section] = table
    return resolved


_EXPECTED = {
    "int_type": "expected a whole number",
    "string_type": "expected text in quotes",
    "bool_type": "expected true or false",
    "tuple_type": "expected a list, like [1, 2]",
    "path_type": "expected a file path in quotes",
    "float_type": "expected a number",
    "model_type": "expected a table of keys",
    "missing": "is required but missing",
    "extra_forbidden": "is not a known key",
    "string_too_short": "must not be empty",
    "too_short": "must list at least one",
    "string_pattern_mismatch": "expected an id of lower-case letters, digits, '-' or '_'",
}

_PATTERNS = {
    "email": "expected an e-mail address such as 'team@example.org'",
    "sender": "expected an e-mail address such as 'safetybot@example.org'",
    "webhook_secret_env": "expected the NAME of an environment variable, like 'WASTE_HOOK_KEY'",
    "password_env": "expected the NAME of an environment variable, like 'SMTP_PASSWORD'",
}


def _describe(exc: ValidationError, raw: Mapping[str, Any]) -> list[Problem]:
    errors = exc.errors(include_url=False)
    failed_items = {tuple(e["loc"][:-1]) for e in errors if len(e["loc"]) > 1}
    problems = []
    for error in errors:
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind == "too_short" and any(f[: len(loc)] == loc for f in failed_items):
            continue  # a list whose items failed is reported through them, not as empty
        if kind in ("value_error", "literal_error", "greater_than_equal", "less_than_equal"):
            message = "expected " + str(error["msg"]).removeprefix("Value error, ")
            message = message.replace("expected Input should be", "expected")
        elif kind == "string_pattern_mismatch" and loc[-1] in _PATTERNS:
            message = _PATTERNS[str(loc[-1])]
        else:
            message = _EXPECTED.get(kind, str(error["msg"]))
        if kind.endswith("_type") and kind != "model_type":
            message += f", got {error['input']!r}"
        if kind == "extra_forbidden":
            message += _known_keys(loc)
        problems.append(Problem(_key_path(loc, raw), message))
    return problems


def _known_keys(loc: tuple[int | str, ...]) -> str:
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[str(part)].annotation
        inner = getattr(annotation, "__args__", (annotation,))[0]
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return ""
        model = inner
    return " (expected one of: " + ", ".join(model.model_fields) + ")"


def _key_path(loc: Iterable[int | str], raw: Mapping[str, Any]) -> str:
    """Render a location as agencies[2] (id "waste").chat_id, naming list items by id."""
    text = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                text += f' (id "{node["id"]}")'
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _items(raw: Mapping[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    value = raw.get(section)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _cross_check(raw: Mapping[str, Any]) -> Iterable[Problem]:
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
        yield from _check_channels(_key_path(("agencies", index), raw), agency, raw)
    yield from _check_smtp(raw.get("smtp"))
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
