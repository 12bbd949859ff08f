"""Reading a data file as a stream of text lines, whatever its packaging.

Plain, gzip and single-file zip inputs are recognised by their first bytes
(not their names). Lines are decoded as strict UTF-8 one at a time, so a bad
byte is reported with its line number; nothing holds more than one buffer of
the file in memory.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from billing.importers.errors import FileRejected

READ_BUFFER = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

# opwr_<utility>_<population>_<spec version>_<layout>_<yyyyMMddHHmmss>[.ext][.gz|.zip]
FILE_NAME_RE = re.compile(
    r"^opwr_(?P<utility>[a-z0-9]{2,8})"
    r"_(?P<population>res|nonres|nonres-smb|nonres-lci)"
    r"_(?P<version>v?\d+(?:-\d+)*)"
    r"_(?P<layout>full|customer|usage|interval(?P<minutes>\d{1,4}))"
    r"_(?P<stamp>\d{14})"
    r"(?:\.[a-z0-9]{1,4})*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DataFileName:
    """What the file-name convention says about a file."""

    utility: str
    population: str
    version: str
    layout: str  # full, customer, usage or interval
    interval_minutes: int | None
    timestamp: datetime  # aware, in the utility's time zone


def file_name_parse(name: str, *, time_zone: str) -> DataFileName | None:
    """Parse `opwr_<utility>_res_<version>_<layout>_<yyyyMMddHHmmss>`; None if
    the name does not follow the convention (or its time stamp is no date)."""
    match = FILE_NAME_RE.match(Path(name).name)
    if match is None:
        return None
    try:
        stamp = datetime.strptime(match["stamp"], "%Y%m%d%H%M%S").replace(
            tzinfo=ZoneInfo(time_zone)
        )
    except ValueError:
        return None
    layout = match["layout"].lower()
    minutes = int(match["minutes"]) if match["minutes"] else None
    return DataFileName(
        utility=match["utility"].lower(),
        population=match["population"].lower(),
        version=match["version"],
        layout="interval" if layout.startswith("interval") else layout,
        interval_minutes=minutes,
        timestamp=stamp,
    )


def file_checksum(path: Path) -> tuple[str, int]:
    """SHA-256 of the file's bytes as received, and its size."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(READ_BUFFER):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class DataFileReader:
    """Open a data file and iterate its lines as (line number, text).

    `position` is how far into the file (as stored, compressed or not) the
    reader has got, for progress bars.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._raw = None
        self._archive = None
        self._stream = None

    def __enter__(self) -> DataFileReader:
        try:
            self._raw = open(self.path, "rb")
        except OSError as exc:
            raise FileRejected(f"The file cannot be read: {exc.strerror}.") from exc
        magic = self._raw.read(4)
        self._raw.seek(0)
        if not magic:
            raise FileRejected("The file is empty.")
        if magic.startswith(GZIP_MAGIC):
            self._stream = io.BufferedReader(
                gzip.GzipFile(fileobj=self._raw, mode="rb"), buffer_size=READ_BUFFER
            )
        elif magic.startswith(ZIP_MAGIC) or magic.startswith(EMPTY_ZIP_MAGIC):
            self._stream = self._zip_member_open()
        else:
            self._stream = io.BufferedReader(self._raw, buffer_size=READ_BUFFER)
        return self

    def __exit__(self, *exc_info) -> None:
        for handle in (self._stream, self._archive, self._raw):
            if handle is not None:
                with contextlib.suppress(OSError, EOFError, zlib.error, zipfile.BadZipFile):
                    handle.close()

    @property
    def position(self) -> int:
        try:
            return self._raw.tell() if self._raw is not None else 0
        except (OSError, ValueError):
            return 0

    def _zip_member_open(self):
        try:
            self._archive = zipfile.ZipFile(self._raw)
            members = [info for info in self._archive.infolist() if not info.is_dir()]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FileRejected(f"The zip archive is damaged ({exc}).") from exc
        if len(members) != 1:
            raise FileRejected(
                f"A zip archive must contain exactly one file; this one holds {len(members)}."
            )
        try:
            return io.BufferedReader(self._archive.open(members[0]), buffer_size=READ_BUFFER)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise FileRejected(f"The file in the zip archive cannot be read ({exc}).") from exc

    def lines(
        self, *, progress: Callable[[int], None] | None = None, every: int = 20_000
    ) -> Iterator[tuple[int, str]]:
        """Yield (line number, text without the line ending), from line 1.

        `progress(position)` is called every `every` lines. Raises
        FileRejected for damaged compression, a byte sequence that is not
        UTF-8, or a file with no content at all.
        """
        number = 0
        stream = self._stream
        next_report = every if progress is not None else -1
        try:
            for raw in stream:
                number += 1
                if number == next_report:
                    progress(self.position)
                    next_report += every
                try:
                    text = raw.rstrip(b"\r\n").decode("utf-8")
                except UnicodeDecodeError as exc:
                    bad = raw[exc.start : exc.start + 1].hex().upper()
                    raise FileRejected(
                        f"The file is not UTF-8 text: byte 0x{bad} at character {exc.start + 1} "
                        "cannot be decoded. Save the file as UTF-8 and send it again.",
                        line=number,
                    ) from None
                if number == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                yield number, text
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise FileRejected(
                f"The compressed data is damaged or cut short ({exc}).", line=number + 1
            ) from exc
        if number == 0:
            raise FileRejected("The file is empty.")
