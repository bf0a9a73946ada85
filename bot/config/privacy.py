"""The ``[privacy]`` table: who controls residents' data, on what lawful basis, and how long it
is kept. The default wording follows UK GDPR Articles 6, 9 and 10 and the Data Protection Act
2018 (section 10 and Schedule 1); the sources are named beside each setting in the shipped
config.toml."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

_Text = Annotated[StrictStr, Field(min_length=1)]
_Days = Annotated[StrictInt, Field(ge=1)]

LAWFUL_BASIS = (
    "We use your report to carry out a task in the public interest: the partnership's duty to "
    "reduce crime, disorder and anti-social behaviour (UK GDPR Article 6(1)(e), with the Crime "
    "and Disorder Act 1998)."
)
SPECIAL_CATEGORY = (
    "A hate incident report can reveal someone's race, religion, sexual orientation, health or "
    "disability. We use that only for reasons of substantial public interest (UK GDPR Article "
    "9(2)(g)) under the Data Protection Act 2018, Schedule 1 Part 2: statutory and government "
    "purposes (paragraph 6), preventing or detecting unlawful acts (paragraph 10) and equality "
    "monitoring (paragraph 8)."
)
CRIMINAL_OFFENCE = (
    "A report about a crime is criminal offence data. We use it under UK GDPR Article 10 and "
    "section 10 and Schedule 1 of the Data Protection Act 2018 (preventing or detecting "
    "unlawful acts); the police use it as a competent authority under Part 3 of that Act."
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Retention(_Model):
    """How long what residents tell the bot is kept, in days."""

    closed_reports_days: _Days = 365  # a closed report is anonymised after this
    photos_days: _Days = 90  # a report's photos are deleted after this
    drafts_days: _Days = 7  # a report begun and never finished is removed after this


class Privacy(_Model):
    """The privacy notice's facts, and the retention periods."""

    controller: _Text | None = None  # the data controller (default: the partnership)
    controller_address: _Text | None = None
    dpo_contact: _Text | None = None  # how to reach its data protection officer
    lawful_basis: _Text = LAWFUL_BASIS
    special_category: _Text = SPECIAL_CATEGORY
    criminal_offence: _Text = CRIMINAL_OFFENCE
    complaints_name: _Text = "the Information Commissioner's Office (ICO)"
    complaints_website: _Text = "https://ico.org.uk/make-a-complaint/"
    complaints_phone: _Text = "0303 123 1113"
    retention: Retention = Retention()
