"""The session engine: Django's database sessions, with the signed-in user's id in its own column.

Django stores sessions as signed blobs, so finding a user's sessions (to end them on deactivation or a
password change) would mean decoding every live session. Keeping the user id beside the blob, indexed,
makes that one DELETE. This is the extension Django documents for database-backed sessions.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from safeguard.people.models import UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        instance = cast(UserSession, super().create_model_instance(data))
        user_id = data.get(SESSION_KEY)
        try:
            instance.user_id = int(user_id) if user_id is not None else None
        except (TypeError, ValueError):
            instance.user_id = None
        return instance
