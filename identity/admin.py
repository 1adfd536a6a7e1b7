"""Identity providers are configured from the environment (settings.SOCIALACCOUNT_PROVIDERS), not in
the admin, and PSOP keeps no provider tokens: those two registers of allauth are not shown. Bound
identities (SocialAccount) and invitations are."""

from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin

from identity.models import Invitation

for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "invited_by", "created_at", "expires_at", "used_at", "withdrawn_at", "bound_provider"]
    list_filter = ["used_at", "withdrawn_at"]
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = ["user", "invited_by", "created_at", "expires_at", "used_at", "withdrawn_at",
                       "bound_provider", "bound_subject"]

    def has_add_permission(self, request):
        return False  # an invitation is made on the Organisaatio page (identity.services)
