"""The Django admin's users: PSOP's username rule, and a password an admin types must be changed
by its user at the next login."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.forms import AdminUserAddForm, AdminUserChangeForm
from accounts.models import PasswordState
from accounts.services import password_set_by_admin

User = get_user_model()


class PasswordStateInline(admin.StackedInline):
    model = PasswordState
    can_delete = False
    extra = 0
    fields = ["must_change", "updated_at"]
    readonly_fields = ["updated_at"]


admin.site.unregister(User)


@admin.register(User)
class PSOPUserAdmin(UserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserAddForm
    inlines = [PasswordStateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            password_set_by_admin(user=obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        changed = request.method == "POST" and response.status_code == 302 and response.url != request.get_full_path()
        if changed:
            user = self.get_object(request, unquote(id))
            if user is not None and user.pk != request.user.pk and user.has_usable_password():
                password_set_by_admin(user=user)
        return response
