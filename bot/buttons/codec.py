"""How a button kind is written and read: ``v2:``, the kind's tag and its fields joined by
``:``, numbers in base 36 (version 1: base 10). The kinds themselves are in :mod:`.kinds`."""

from __future__ import annotations

import re
import string
import typing
from dataclasses import fields
from typing import ClassVar, TypeVar

_T = TypeVar("_T")

LIMIT = 64
"""Telegram's limit on a button's data, in bytes."""
LARGEST_NUMBER = 2**31 - 1
"""The largest report or message id the length checks allow for (message ids are 32-bit)."""
VERSION = "v2"

_DIGITS = string.digits + string.ascii_lowercase
_ID = "[a-z0-9][a-z0-9_-]*"
ID_RE = re.compile(_ID)
_NUMBER = {10: "0|[1-9][0-9]*", 36: "0|[1-9a-z][0-9a-z]*"}


class Kind:
    """How one kind is written in one version: its prefix, and each field's type."""

    by_class: ClassVar[dict[type, list[Kind]]] = {}
    all: ClassVar[list[Kind]] = []

    def __init__(self, kind: type, prefix: str, base: int) -> None:
        self.kind, self.prefix, self.base = kind, prefix, base
        hints = typing.get_type_hints(kind)
        self.fields = [(f.name, hints[f.name]) for f in fields(kind)]
        self.compiled = re.compile(self.pattern({}))
        Kind.by_class.setdefault(kind, []).append(self)
        Kind.all.append(self)

    def pattern(self, fixed: dict[str, str]) -> str:
        """The regular expression of this kind's data, some fields fixed to a value."""
        assert set(fixed) <= {name for name, _ in self.fields}, fixed
        parts = [re.escape(self.prefix)]
        for name, hint in self.fields:
            known = fixed.get(name)
            parts.append(
                f"({re.escape(known) if known is not None else self._field_pattern(hint)})"
            )
        return ":".join(parts)

    def _field_pattern(self, hint: object) -> str:
        if hint is int:
            return _NUMBER[self.base]
        if hint is str:
            return _ID
        values = typing.get_args(hint)
        assert values, f"{self.kind.__name__}: fields are ids, numbers or words, not {hint}"
        return "|".join(re.escape(v) for v in values)

    def write(self, button: object) -> str:
        parts = [self.prefix]
        for name, hint in self.fields:
            value = getattr(button, name)
            parts.append(_number(value, self.base) if hint is int else str(value))
        return ":".join(parts)

    def read(self, data: str) -> object | None:
        match = self.compiled.fullmatch(data)
        if match is None:
            return None
        values = [
            int(text, self.base) if hint is int else text
            for (_, hint), text in zip(self.fields, match.groups(), strict=True)
        ]
        made: object = self.kind(*values)
        return made


def _number(value: int, base: int) -> str:
    if value < 0:
        raise ValueError(f"button numbers are not negative: {value}")
    digits = ""
    while True:
        value, digit = divmod(value, base)
        digits = _DIGITS[digit] + digits
        if value == 0:
            return digits


def tag(tag: str, *, v1: str | None = None) -> typing.Callable[[type[_T]], type[_T]]:
    """Register a kind under its tag (and the tag it had in version 1, if it is still read)."""

    def register(kind: type[_T]) -> type[_T]:
        Kind(kind, f"{VERSION}:{tag}", 36)
        if v1 is not None:
            Kind(kind, f"v1:{v1}", 10)
        return kind

    return register
