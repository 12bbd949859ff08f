"""What can go wrong with a data file: the whole file, or one row of it."""

from __future__ import annotations

from dataclasses import dataclass

# A value shown in an error is cut to what the error table stores.
VALUE_SHOWN = 200


class FileRejected(Exception):  # noqa: N818 - the file is rejected; it is not a bug
    """The file is structurally broken and is rejected whole.

    Raised for a wrong or missing header, bad encoding, damaged compression
    or an empty file. The message is one sentence a data administrator can
    act on.
    """

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is not None:
            return f"Line {self.line}: {self.message}"
        return self.message


class Abandon(Exception):  # noqa: N818 - a decision, not a bug
    """A direct lane (interval_direct, billing_direct) cannot prove it gives
    what the staged path would: roll back to its savepoint and stage."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason one row is rejected (a row may have several)."""

    line: int
    column: str
    value: str
    reason: str

    @classmethod
    def make(cls, line: int, column: str, value: str, reason: str) -> RowError:
        return cls(line, column, shown(value), reason)


def shown(value: str) -> str:
    """A value as printed in an error: one line, at most VALUE_SHOWN chars."""
    text = value.replace("\x00", "\\0").replace("\t", " ").replace("\n", " ")
    if len(text) > VALUE_SHOWN:
        text = text[: VALUE_SHOWN - 1] + "…"
    return text
