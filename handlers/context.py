"""The typed context every handler receives (PTB's `contexttypesbot` pattern)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from handlers.services import Services

SERVICES_KEY = "kuager.services"


class KuagerContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Adds `services`; user_data and chat_data stay unused, as they would be in memory in
    clear and (with persistence) on disk."""

    @property
    def services(self) -> Services:
        services = self.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        return services


KuagerApplication = Application[
    ExtBot[Any], KuagerContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
