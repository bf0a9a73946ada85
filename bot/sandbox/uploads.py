"""Files from the person's disk, sent as Telegram would send them, and files served back.

Telegram's limits are mirrored: a bot may download files of up to 20 MB (``getFile``), so the
page refuses a file of 20 MB or more rather than send one the bot could not read; a photo must
be an image Telegram takes as a photo (JPEG, PNG, GIF or WebP), anything else goes as a document
or is refused when sent as a photo. What a file is comes from its first bytes, not its name.
"""

from __future__ import annotations

MAX_BYTES = 20 * 1024 * 1024  # the Bot API's getFile limit: a file this big is refused
READ_LIMIT = MAX_BYTES + 1024 * 1024  # what the page's server reads of a request at most

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(content: bytes) -> str | None:
    """The image type of these bytes (JPEG, PNG, GIF or WebP), or None if not an image."""
    for signature, mime_type in _SIGNATURES:
        if content.startswith(signature):
            return mime_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_file_name(name: str) -> str:
    """A file name for a Content-Disposition header: its last part, printable ASCII only."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in last if c.isascii() and c.isprintable() and c not in '";')
    return kept.strip() or "file"
