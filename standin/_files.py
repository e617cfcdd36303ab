"""Files held by the stand-in's Telegram: what witnesses upload and what the bot sends back.

Bytes stay in memory, addressed by file_id (for getFile) and by file_path (for the download
route), so a test can check that evidence the witness sent arrives byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Bots may download files up to 20 MB through getFile (Bot API limit).
DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024

# kind → (folder on the file server, file extension, default MIME type)
MEDIA_KINDS: dict[str, tuple[str, str, str | None]] = {
    "photo": ("photos", ".jpg", "image/jpeg"),
    "document": ("documents", "", None),
    "video": ("videos", ".mp4", "video/mp4"),
    "voice": ("voice", ".oga", "audio/ogg"),
    "audio": ("music", ".mp3", "audio/mpeg"),
    "animation": ("animations", ".mp4", "video/mp4"),
    "sticker": ("stickers", ".webp", "image/webp"),
    "video_note": ("video_notes", ".mp4", None),
}


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file on the stand-in's file server."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    file_name: str | None
    mime_type: str | None


class FileStore:
    """Every file the stand-in knows, by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def add(
        self, data: bytes, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        """Store `data` and give it fresh identifiers, as an upload to Telegram would."""
        number = len(self._by_id) + 1
        folder, extension, default_mime = MEDIA_KINDS.get(kind, ("documents", "", None))
        if file_name and "." in file_name:
            extension = file_name[file_name.rindex(".") :]
        stored = StoredFile(
            file_id=f"{kind}-{number:06d}",
            file_unique_id=f"u{number:06d}",
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{number}{extension}",
            file_name=file_name,
            mime_type=mime_type or default_mime,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


def media_object(stored: StoredFile, **extra: Any) -> Any:
    """The Bot API object a message carries for this file (a PhotoSize list for photos)."""
    base: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.kind == "photo":
        # Telegram offers several sizes; one thumbnail and the full picture are enough here.
        thumbnail = {**base, "width": 90, "height": 68}
        return [thumbnail, {**base, "width": 1280, "height": 960}]
    if stored.file_name:
        base["file_name"] = stored.file_name
    if stored.mime_type:
        base["mime_type"] = stored.mime_type
    base.update(_REQUIRED_FIELDS.get(stored.kind, {}))
    base.update(extra)
    return base


_REQUIRED_FIELDS: dict[str, dict[str, Any]] = {
    "video": {"width": 640, "height": 360, "duration": 3},
    "animation": {"width": 320, "height": 240, "duration": 2},
    "voice": {"duration": 3},
    "audio": {"duration": 3},
    "video_note": {"length": 240, "duration": 3},
    "sticker": {"width": 512, "height": 512, "is_animated": False, "is_video": False,
                "type": "regular"},
}  # fmt: skip
