"""The configuration's typed, frozen models: what each section holds and accepts."""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

from bot.config.case_review import CaseReview
from bot.config.clusters import Clusters
from bot.config.privacy import Privacy
from bot.config.weekly import Weekly
from storage.reports import Priority as Priority  # re-exported: the one definition is storage's

TOKEN_ENV = "SAFETYBOT_TOKEN"  # noqa: S105 - the variable's name, not a secret
WEBHOOK_SECRET_ENV = "SAFETYBOT_WEBHOOK_SECRET"  # noqa: S105 - the variable's name, not a secret
DEFAULT_API_URL = "https://api.telegram.org"
PACKAGE_PREFIX = "package:"
"""How a config names a [geography] file shipped inside the package:
``package:geo/outlines/st_albans_district.geojson`` is that file of the installed ``bot``
package, wherever the config lives."""
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
    """Where the district is: boundary files when given (the St Albans default names the ones
    it ships), else an approximation from the shipped gazetteer."""

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


# The word is the stored report's (storage is the lowest layer); config ranks it, lowest first.
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
    # "You said, we did" counts resolved reports in words: "14 fly tips cleared". The plural
    # noun (default: the name, lower case, and "reports") and what resolving one is called.
    plural: NonEmpty | None = None
    resolved_as: NonEmpty = "dealt with"

    @property
    def plural_noun(self) -> str:
        """The plural noun counts of this category use, e.g. "fly tips"."""
        return self.plural or f"{self.name[:1].lower()}{self.name[1:]} reports"


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
    description: NonEmpty | None = None  # one line under the topic's button


QUIET_HOURS_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$"
QuietHoursText = Annotated[StrictStr, Field(pattern=QUIET_HOURS_PATTERN)]
"""Local hours as ``HH:MM-HH:MM`` (``21:00-07:00`` runs over midnight)."""


class News(_Model):
    """How news reaches subscribers: quiet hours and the near-me circle's choices."""

    # News arriving in these local hours is delivered silently (no sound, no vibration);
    # None: never. A subscriber may choose their own hours or none.
    quiet_hours: QuietHoursText | None = "21:00-07:00"
    # May an urgent alert (a rogue trader in the street today) ring during quiet hours?
    urgent_overrides_quiet_hours: StrictBool = True
    # The radii a subscriber may pick for "near me", in metres.
    near_me_radii_metres: tuple[Annotated[StrictInt, Field(ge=100, le=20000)], ...] = Field(
        default=(500, 1000, 2000, 5000), min_length=1
    )


class Area(_Model):
    """A part of the district: what subscribers choose news for, and what a report is counted
    in. Its place is given by exactly one of ``wards`` (names in the wards boundary file),
    ``places`` (gazetteer places of the district: a point belongs to the area of its nearest
    place) or ``boundary`` (a polygon file; checked in :mod:`bot.config.checks`)."""

    id: Identifier
    name: NonEmpty
    wards: Annotated[tuple[NonEmpty, ...], Field(min_length=1)] | None = None
    places: Annotated[tuple[NonEmpty, ...], Field(min_length=1)] | None = None
    boundary: Path | None = None


class Disclosure(_Model):
    """What the bot may say about counts of reports in public (digests, statistics)."""

    # Counts below this are shown as "fewer than N", as the ONS and the Home Office suppress
    # small counts in published crime figures, so that no victim can be identified from them.
    small_count_threshold: Annotated[StrictInt, Field(ge=2)] = 5


class Insight(_Model):
    """How the statistics speak: the noun of the change in words ("343 fewer crimes"), and
    which questions of the sensitive categories give the equality monitoring of hate incidents
    (perceived motivation) and who reported them (victim, witness, third party)."""

    noun: NonEmpty = "reports"
    noun_singular: NonEmpty = "report"
    total_name: NonEmpty = "All reports"  # the row of every category together
    motivation_question: Identifier = "motivation"
    reporter_question: Identifier = "reporter"


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
    news: News = News()
    topics: tuple[Topic, ...] = ()
    areas: tuple[Area, ...] = ()
    disclosure: Disclosure = Disclosure()
    privacy: Privacy = Privacy()  # the privacy notice and retention (bot.config.privacy)
    insight: Insight = Insight()
    clusters: Clusters = Clusters()  # emerging clusters (bot.config.clusters)
    case_review: CaseReview = CaseReview()  # the ASB Case Review (bot.config.case_review)
    weekly: Weekly = Weekly()  # the admins' weekly picture (bot.config.weekly)

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id (ids are validated, so a configured id always exists)."""
        return next(a for a in self.agencies if a.id == agency_id)

    def category(self, category_id: str) -> Category | None:
        """The category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)
