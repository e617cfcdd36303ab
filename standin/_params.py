"""Bot API request parameters, decoded from whatever body the client chose.

python-telegram-bot posts form fields (multipart when a file is attached) and JSON-encodes nested
values such as `reply_markup`; other clients post JSON or use a query string. A form field arrives
as a string, so a value is JSON-decoded unless its parameter is one the Bot API defines as a
string — otherwise a witness typing `[1, 2]` or `42` would reach the handlers as a list or a number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Parameters the Bot API types as String; any other form value is JSON-decoded when it parses.
STRING_PARAMS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "url",
        "title",
        "description",
        "short_description",
        "language_code",
        "secret_token",
        "ip_address",
        "emoji",
        "action",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "question",
        "name",
        "business_connection_id",
        "custom_emoji_id",
        "photo",
        "document",
        "video",
        "voice",
        "audio",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "certificate",
        "foursquare_id",
        "google_place_id",
        "explanation",
        "payload",
        "currency",
        "invite_link",
        "sticker_set_name",
        "message_effect_id",
        "start_parameter",
        "provider_token",
        "query",
        "result_id",
        "switch_pm_text",
        "switch_pm_parameter",
        "next_offset",
        "gift_id",
        "web_app_query_id",
    ]
)


class ApiError(Exception):
    """A Bot API refusal, carried to the HTTP edge as `{"ok": false, ...}`."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_dict(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """The 400 every malformed call gets, with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent in a multipart body."""

    data: bytes
    file_name: str | None
    mime_type: str | None


def decode_form_value(name: str, value: str) -> object:
    """Turn one form field into the typed value the Bot API would see."""
    if name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class Params:
    """Typed, validating access to one call's parameters."""

    __slots__ = ("raw",)

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def string(self, name: str, default: str | None = None) -> str:
        value = self.raw.get(name, default)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value if isinstance(value, str) else json.dumps(value)

    def optional_string(self, name: str) -> str | None:
        return self.string(name) if self.has(name) else None

    def integer(self, name: str, default: int | None = None) -> int:
        value = self.raw.get(name, default)
        if value is None:
            raise bad_request(f"{name} is empty")
        try:
            if isinstance(value, int | float | str):
                return int(value)
        except ValueError:
            pass
        raise bad_request(f"invalid {name} specified")

    def number(self, name: str, default: float) -> float:
        value = self.raw.get(name, default)
        try:
            if isinstance(value, int | float | str):
                return float(value)
        except ValueError:
            pass
        raise bad_request(f"invalid {name} specified")

    def flag(self, name: str) -> bool:
        return self.raw.get(name) in (True, "true", "True", "1", 1)

    def json(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def upload(self, name: str) -> Upload | str:
        """A file parameter: the multipart upload itself, `attach://<field>`, or a file_id."""
        value = self.raw.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.raw.get(value.removeprefix("attach://"))
        if isinstance(value, Upload | str):
            return value
        raise bad_request(f"there is no {name} in the request")
