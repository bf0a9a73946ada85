"""The partnership's configuration: TOML read with tomllib into typed, frozen objects.

Validation reports every problem at once, each naming its key path (``agencies[2].chat_id``)
and what was expected, so that a partnership fixing its file sees the whole list in one go.
Field types and unknown keys are checked by the pydantic models; identifiers, duplicates and
references between sections are checked on the raw data, so they are reported even where other
fields of the same file are wrong.

Secrets (the bot token, the webhook secret) never live in the file: they come from the
environment and are held as ``SecretStr`` so they never appear in a ``repr`` or a log.
"""

from bot.config.case_review import CaseReview
from bot.config.checks import config_warnings
from bot.config.load import (
    LoadedConfig,
    config_from_data,
    default_config_data,
    default_config_text,
    find_config,
    load_config,
    parse_config,
    read_token,
    read_webhook_secret,
    shipped_file,
)
from bot.config.models import (
    DEFAULT_API_URL,
    PACKAGE_PREFIX,
    PRIORITIES,
    TOKEN_ENV,
    WEBHOOK_SECRET_ENV,
    Admins,
    Agency,
    Area,
    Category,
    ChatId,
    Config,
    Disclosure,
    EmailAddress,
    EnvName,
    Geocoding,
    Geography,
    Identifier,
    Insight,
    Limits,
    News,
    NonEmpty,
    Option,
    Partnership,
    Priority,
    Question,
    Reporting,
    Route,
    Smtp,
    Storage,
    Telegram,
    Topic,
    Webhook,
)
from bot.config.privacy import Privacy, Retention
from bot.config.problems import ConfigError, Problem
from bot.config.weekly import Weekly

__all__ = [
    "DEFAULT_API_URL",
    "PACKAGE_PREFIX",
    "PRIORITIES",
    "TOKEN_ENV",
    "WEBHOOK_SECRET_ENV",
    "Admins",
    "Agency",
    "Area",
    "CaseReview",
    "Category",
    "ChatId",
    "Config",
    "ConfigError",
    "Disclosure",
    "EmailAddress",
    "EnvName",
    "Geocoding",
    "Geography",
    "Identifier",
    "Insight",
    "Limits",
    "LoadedConfig",
    "News",
    "NonEmpty",
    "Option",
    "Partnership",
    "Priority",
    "Privacy",
    "Problem",
    "Question",
    "Reporting",
    "Retention",
    "Route",
    "Smtp",
    "Storage",
    "Telegram",
    "Topic",
    "Webhook",
    "Weekly",
    "config_from_data",
    "config_warnings",
    "default_config_data",
    "default_config_text",
    "find_config",
    "load_config",
    "parse_config",
    "read_token",
    "read_webhook_secret",
    "shipped_file",
]
