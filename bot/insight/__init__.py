"""Partnership insight: a period's reports against another's, by category, area and ward; each
agency's response times; repeat locations; the equality monitoring of hate incidents; small
counts hidden beyond the agency that handles them; the charts; and the exports."""

from bot.insight.periods import COMPARISONS, Compare, Period, PeriodError, last_full_month
from bot.insight.service import InsightService

__all__ = ["COMPARISONS", "Compare", "InsightService", "Period", "PeriodError", "last_full_month"]
