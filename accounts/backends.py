"""Django's model backend, loading the user's password state with the user."""

from asgiref.sync import sync_to_async
from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """Loads the signed-in user of each request together with their ``password_state`` (one LEFT
    JOIN in the query Django makes anyway), so that accounts.middleware asks it for nothing."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("password_state").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
