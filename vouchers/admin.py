from django.contrib import admin
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import ADMIN_TEXT, DecimalCommaField
from core.pagination import CappedCountPaginator
from vouchers.comparison import comparison_forget
from vouchers.models import (
    Customer,
    PriceList,
    PriceListItem,
    Service,
    ServiceAgreement,
    ServiceContent,
    Voucher,
    VoucherContent,
    VoucherState,
)


# The registers (services, contents, agreements, price lists) are the organisers' to keep, on their
# "Palvelut" and "Sopimukset" pages (registers app), with history. Here the superusers keep the
# shared services and fix data: filtered by organiser, and nothing in use is deleted (no bulk
# delete either: deleting an agreement would take its price lists along).


class InUseNotDeleted:
    """A row that ``in_use(obj)`` says is used by others cannot be deleted; no bulk actions."""

    actions = None

    def in_use(self, obj) -> bool:
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not self.in_use(obj))


class ServiceContentInline(admin.TabularInline):
    formfield_overrides = ADMIN_TEXT
    model = ServiceContent
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False  # a content may be granted or priced; rename it instead


@admin.register(Service)
class ServiceAdmin(InUseNotDeleted, admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT
    list_display = ["name", "kind", "organiser"]
    list_filter = ["kind", "organiser"]
    search_fields = ["name"]
    list_select_related = ["organiser"]
    inlines = [ServiceContentInline]

    def in_use(self, obj) -> bool:
        return obj.agreements.exists() or obj.vouchers.exists()


@admin.register(ServiceContent)
class ServiceContentAdmin(InUseNotDeleted, admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT
    list_display = ["name", "service", "unit"]
    list_filter = ["service__organiser", "service__kind", "unit"]
    search_fields = ["name", "service__name"]
    list_select_related = ["service"]

    def in_use(self, obj) -> bool:
        return (VoucherContent.objects.filter(content=obj).exists()
                or PriceListItem.objects.filter(content=obj).exists())


class PriceListInline(admin.TabularInline):
    formfield_overrides = ADMIN_TEXT
    model = PriceList
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request, obj=None):
        return False


class ComparisonForgotten:
    """A superuser's change of an agreement or a price list (and their rows) in the admin: the public
    comparison is read anew once it is committed (vouchers.comparison), as after the registers'."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        agreement = form.instance if isinstance(form.instance, ServiceAgreement) else form.instance.agreement
        organiser_id, service_id = agreement.organiser_id, agreement.service_id
        transaction.on_commit(lambda: comparison_forget(organiser_id=organiser_id, service_id=service_id))


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(ComparisonForgotten, InUseNotDeleted, admin.ModelAdmin):
    list_display = ["provider", "service", "organiser", "valid_from", "valid_to"]
    list_filter = ["organiser", "service__kind", "service"]
    search_fields = ["provider__name", "provider__business_id", "service__name"]
    list_select_related = ["provider", "service", "organiser"]
    date_hierarchy = "valid_from"
    inlines = [PriceListInline]

    def in_use(self, obj) -> bool:
        return obj.price_lists.exists()


# Prices and amounts typed with a decimal comma or point, in every language.
DECIMAL_COMMA = {models.DecimalField: {"form_class": DecimalCommaField}}


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 0
    formfield_overrides = DECIMAL_COMMA


@admin.register(PriceList)
class PriceListAdmin(ComparisonForgotten, InUseNotDeleted, admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT
    list_display = ["name", "agreement", "valid_from", "valid_to"]
    list_filter = ["agreement__organiser", "agreement__service"]
    search_fields = ["name", "agreement__provider__name", "agreement__provider__business_id"]
    list_select_related = ["agreement__provider", "agreement__service", "agreement__organiser"]
    inlines = [PriceListItemInline]

    def in_use(self, obj) -> bool:
        return obj.valid_from <= today()  # the prices of days gone by are history


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """A million customers: ordered by the name index, found by the names' trigram indexes; no
    filter by municipality (it would read every customer for its choices), search finds them."""

    formfield_overrides = ADMIN_TEXT
    list_display = ["last_name_display", "first_name", "masked_henkilotunnus", "municipality"]
    search_fields = ["last_name", "first_name", "=henkilotunnus", "municipality"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    # Finnish alphabetical order (name_key: case-insensitive, å ä ö after z), its index (name_key, id).
    ordering = ["name_key", "id"]
    sortable_by = ["last_name_display"]

    @admin.display(description=_("sukunimi"), ordering="name_key")
    def last_name_display(self, obj):
        return obj.last_name

    @admin.display(description=_("henkilötunnus"))
    def masked_henkilotunnus(self, obj):
        return obj.masked_henkilotunnus


class VoucherContentInline(admin.TabularInline):
    model = VoucherContent
    extra = 0
    formfield_overrides = DECIMAL_COMMA


class VoucherStatusFilter(admin.SimpleListFilter):
    title = _("tila")
    parameter_name = "tila"

    def lookups(self, request, model_admin):
        return VoucherState.choices

    def queryset(self, request, queryset):
        if self.value() in VoucherState.values:
            return queryset.in_state(self.value(), today())
        return queryset


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    """Two million vouchers: ordered by the number index, counted no further than the paginator's
    cap, and no date hierarchy (its year links read every voucher); a date filter instead."""

    list_display = ["number_display", "customer", "service", "kind_display", "organiser", "valid_from", "valid_to", "closed_on"]
    list_filter = [VoucherStatusFilter, "service__kind", "organiser", "service", ("valid_from", admin.DateFieldListFilter)]
    search_fields = ["=number", "customer__last_name", "customer__first_name"]
    list_select_related = ["customer", "service", "organiser"]
    autocomplete_fields = ["customer"]
    inlines = [VoucherContentInline]
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    # No bulk actions: a voucher is closed ("Sulje ostovoima"), and deleting one (only one without
    # reservations or customerships can be) is done one at a time from its own page. The action
    # checkbox also cost a template render per row: 59 -> ~45 ms a page on the national data set.
    actions = None
    # Numbers as numbers (1001 before 10006), its index (number_key, id).
    ordering = ["number_key", "id"]
    sortable_by = ["number_display"]

    @admin.display(description=_("numero"), ordering="number_key")
    def number_display(self, obj):
        return obj.number

    @admin.display(description=_("setelilaji"), ordering="service__kind")
    def kind_display(self, obj):
        return obj.get_kind_display()
