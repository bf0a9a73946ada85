"""The one error geography data raises."""

from __future__ import annotations

from pathlib import Path


class GeoDataError(Exception):
    """A boundary or gazetteer file that cannot be used, naming the file and the problem."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{source}: {problem}")
