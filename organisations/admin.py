from django.contrib import admin

from core.forms import ADMIN_TEXT
from organisations.models import Membership, Office, Organiser, Provider, ProviderUnit
from organisations.services import provider_ensure_default_unit


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT
    list_display = ["name", "business_id", "support_contact"]
    fields = ["name", "business_id", "support_contact"]
    search_fields = ["name", "business_id"]


class ProviderUnitInline(admin.TabularInline):
    formfield_overrides = ADMIN_TEXT
    model = ProviderUnit
    extra = 0


class OfficeInline(admin.TabularInline):
    formfield_overrides = ADMIN_TEXT
    model = Office
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT
    list_display = ["name", "business_id"]
    search_fields = ["name", "business_id"]
    inlines = [ProviderUnitInline, OfficeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        provider_ensure_default_unit(provider=form.instance)


@admin.register(ProviderUnit)
class ProviderUnitAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT
    list_display = ["name", "provider", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["name", "provider__name", "provider__business_id"]
    list_select_related = ["provider"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT
    list_display = ["name", "provider", "municipality"]
    search_fields = ["name", "provider__name", "provider__business_id", "municipality"]
    list_select_related = ["provider"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "provider", "organiser"]
    list_filter = ["role", "organiser"]  # not by provider: five thousand choices; search finds them
    search_fields = ["user__username", "user__last_name", "provider__name", "organiser__name"]
    list_select_related = ["user", "provider", "organiser"]
    autocomplete_fields = ["user"]
