"""The ``[weekly]`` table: when the admins' chat gets the weekly picture (last week against the
usual, the agencies' open and overdue reports, clusters found, the week's resolved count)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, field_validator

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_HH_MM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class Weekly(BaseModel):
    """Whether the weekly picture is sent, and on which day and at what local time (in the
    partnership's time zone). It always covers the last whole week, Monday to Sunday."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: StrictBool = True
    weekday: Weekday = "monday"
    time: StrictStr = "08:00"  # local, 24-hour HH:MM

    @field_validator("time")
    @classmethod
    def _hours_and_minutes(cls, value: str) -> str:
        if _HH_MM.match(value) is None:
            raise ValueError(
                f"a local time written as HH:MM (24-hour) such as '08:00', got {value!r}"
            )
        return value

    @property
    def at(self) -> dt.time:
        """The local time of day it is sent (no time zone: the partnership's applies)."""
        hours, minutes = self.time.split(":")
        return dt.time(int(hours), int(minutes))

    @property
    def weekday_index(self) -> int:
        """The day it is sent, as Python counts them: Monday 0 to Sunday 6."""
        return WEEKDAYS.index(self.weekday)
