"""The ``[clusters]`` table: which categories are watched for reports coming together in one
place faster than usual, and how sure the bot must be before it says so."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

_Positive = Annotated[StrictInt, Field(ge=1)]


class Clusters(BaseModel):
    """Emerging clusters (bot.insight.clusters): a category's reports in an area, or within
    ``spot_radius_m`` of one another, over the last ``window_days``, judged against that place's
    own history (a space-time permutation model, Kulldorff et al. 2005) once the deployment has
    ``baseline_weeks`` of it, and against the district's rate spread by area before then."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: StrictBool = True
    categories: tuple[StrictStr, ...] = ()  # watched; empty: every category
    min_count: Annotated[StrictInt, Field(ge=2)] = 5  # never fewer reports than this
    significance: Annotated[StrictFloat, Field(gt=0, lt=0.5)] = 0.005  # shared among places
    window_days: _Positive = 7
    spot_radius_m: Annotated[StrictInt, Field(ge=50, le=5000)] = 500
    history_weeks: _Positive = 52  # the history a place's usual is read from
    baseline_weeks: _Positive = 8  # before this much history, the district's rate is used
    tell_agencies: StrictBool = True  # the agencies' chats hear of their categories' clusters
    mute_days: tuple[_Positive, ...] = (7, 28)  # the mute buttons offered

    @model_validator(mode="after")
    def _check(self) -> Clusters:
        if self.baseline_weeks > self.history_weeks:
            raise ValueError("baseline_weeks cannot be more than history_weeks")
        if not self.mute_days or len(self.mute_days) > 3:
            raise ValueError("mute_days needs one to three lengths of mute, in days")
        return self
