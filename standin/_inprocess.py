"""The stand-in without sockets: PTB's HTTP layer answered by direct calls into the stand-in.

Handler tests feed updates through `Application.process_update` and want each to take
milliseconds; a loopback HTTP round trip per Bot API call, and a server to start and stop per
test, is most of that time. `InProcessRequest` is PTB's documented seam for swapping the HTTP
client (`telegram.request.BaseRequest`): it hands each call to the same dispatch the HTTP face
uses, so the bot sees the same answers, refusals and injected failures, and the stand-in keeps
the same call log and chats. Parameters and answers still pass through JSON, as over the wire,
so neither side can hold on to the other's objects.

    standin = BotApiStandin()
    request = InProcessRequest(standin)
    app = (ApplicationBuilder().token(standin.token).request(request)
           .base_url(InProcessRequest.API_BASE_URL)
           .base_file_url(InProcessRequest.FILE_BASE_URL).build())
    witness = standin.user(language_code="kk")
    await witness.send_command("/start")
    async with app:
        await standin.deliver(app)
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from telegram.request import BaseRequest, RequestData

from standin._params import ApiError, Upload, decode_form_value
from standin._server import BotApiStandin

_NOT_FOUND = ApiError(404, "Not Found")


class InProcessRequest(BaseRequest):
    """A `BaseRequest` whose every call is answered by one in-process `BotApiStandin`.

    The Application must use `API_BASE_URL` and `FILE_BASE_URL`: they name no host, so a call
    that slipped past this request to a real HTTP client would fail rather than go anywhere.
    """

    API_BASE_URL = "standin://in-process/bot"
    FILE_BASE_URL = "standin://in-process/file/bot"

    __slots__ = ("_standin",)

    def __init__(self, standin: BotApiStandin) -> None:
        self._standin = standin

    @property
    def read_timeout(self) -> float | None:
        """No wait to bound: every call is answered before `do_request` returns."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        # The file prefix first: it is longer, and the API prefix is not a prefix of it anyway.
        if url.startswith(self.FILE_BASE_URL):
            return self._download(unquote(url.removeprefix(self.FILE_BASE_URL)))
        if not url.startswith(self.API_BASE_URL):
            return _answer(_NOT_FOUND.error_code, _NOT_FOUND.to_dict())
        token, _, method_name = url.removeprefix(self.API_BASE_URL).rpartition("/")

        async def read_params() -> dict[str, Any]:
            return _params(request_data)

        status, body = await self._standin.answer_call(token, method_name, read_params)
        return _answer(status, body)

    def _download(self, token_and_path: str) -> tuple[int, bytes]:
        token, _, path = token_and_path.partition("/")
        stored = self._standin.file_for(token, path)
        if isinstance(stored, ApiError):
            return _answer(stored.error_code, stored.to_dict())
        return 200, stored.data


def _params(request_data: RequestData | None) -> dict[str, Any]:
    """The call's parameters as the HTTP face decodes them from the body PTB would send."""
    if request_data is None:
        return {}
    if not request_data.contains_files:
        decoded: dict[str, Any] = json.loads(request_data.json_payload)
        return decoded
    # Multipart: every field a string (decoded as the HTTP face decodes form fields), plus files.
    params: dict[str, Any] = {
        name: decode_form_value(name, value) for name, value in request_data.json_parameters.items()
    }
    for name, (file_name, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        params[name] = Upload(data, file_name, mime_type)
    return params


def _answer(status: int, body: dict[str, Any]) -> tuple[int, bytes]:
    return status, json.dumps(body, ensure_ascii=False).encode()
