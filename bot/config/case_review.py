"""The ``[case_review]`` table: when a resident is told of their right to an ASB Case Review
(formerly the Community Trigger) under the Anti-social Behaviour, Crime and Policing Act 2014,
section 104 and Schedule 4. The national threshold is three complaints about separate incidents
in six months, each made within one month of the incident; a partnership may set a lower one,
and may add that a single hate incident or crime meets it. The sources are named beside each
setting in the shipped config.toml."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

_Text = Annotated[StrictStr, Field(min_length=1)]
_CategoryId = Annotated[StrictStr, Field(min_length=1)]

HOW_TO = (
    "Ask the Community Safety Partnership for a case review: contact your council or the "
    "police and say you are asking for an ASB Case Review."
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaseReview(_Model):
    """The threshold that gives a resident the right to ask for a case review, and how to ask."""

    enabled: StrictBool = True
    count: Annotated[StrictInt, Field(ge=1)] = 3  # complaints about separate incidents
    window_days: Annotated[StrictInt, Field(ge=1, le=3660)] = 183  # "in six months"
    # The one-month rule: each complaint made within this many days of the incident.
    report_within_days: Annotated[StrictInt, Field(ge=0, le=3660)] = 31
    categories: tuple[_CategoryId, ...] = Field(default=("asb",), min_length=1)
    # When on, a single report in ``hate_categories`` meets the threshold on its own.
    hate_rule: StrictBool = False
    hate_categories: tuple[_CategoryId, ...] = ("hate-incident",)
    how_to: _Text = HOW_TO  # the partnership's page, e-mail or form, in plain words

    def counts(self, category_id: str) -> bool:
        """Whether a report in this category counts towards the threshold."""
        return category_id in self.categories or self.is_hate(category_id)

    def is_hate(self, category_id: str) -> bool:
        """Whether a report in this category meets the threshold alone (the hate rule)."""
        return self.hate_rule and category_id in self.hate_categories
