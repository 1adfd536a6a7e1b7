from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.pagination import CappedCountPaginator
from vouchers.models import (
    Customer,
    PriceList,
    PriceListItem,
    Service,
    ServiceAgreement,
    ServiceContent,
    Voucher,
    VoucherContent,
)


class ServiceContentInline(admin.TabularInline):
    model = ServiceContent
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [ServiceContentInline]


@admin.register(ServiceContent)
class ServiceContentAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "unit"]
    list_filter = ["service__kind", "unit"]
    search_fields = ["name", "service__name"]
    list_select_related = ["service"]


class PriceListInline(admin.TabularInline):
    model = PriceList
    extra = 0
    show_change_link = True


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(admin.ModelAdmin):
    list_display = ["provider", "service", "organiser", "valid_from", "valid_to"]
    list_filter = ["organiser", "service__kind", "service"]
    search_fields = ["provider__name", "provider__business_id", "service__name"]
    list_select_related = ["provider", "service", "organiser"]
    date_hierarchy = "valid_from"
    inlines = [PriceListInline]


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 0


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "agreement", "valid_from", "valid_to"]
    list_filter = ["agreement__organiser", "agreement__service"]
    search_fields = ["name", "agreement__provider__name", "agreement__provider__business_id"]
    list_select_related = ["agreement__provider", "agreement__service", "agreement__organiser"]
    inlines = [PriceListItemInline]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """A million customers: ordered by the name index, found by the names' trigram indexes; no
    filter by municipality (it would read every customer for its choices), search finds them."""

    list_display = ["last_name", "first_name", "masked_henkilotunnus", "municipality"]
    search_fields = ["last_name", "first_name", "=henkilotunnus", "municipality"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    sortable_by = ["last_name"]

    @admin.display(description=_("henkilötunnus"))
    def masked_henkilotunnus(self, obj):
        return obj.masked_henkilotunnus


class VoucherContentInline(admin.TabularInline):
    model = VoucherContent
    extra = 0


class VoucherStatusFilter(admin.SimpleListFilter):
    title = _("tila")
    parameter_name = "tila"

    def lookups(self, request, model_admin):
        return [("avoin", _("Avoin")), ("suljettu", _("Suljettu"))]

    def queryset(self, request, queryset):
        from core.dates import today

        if self.value() == "avoin":
            return queryset.open_on(today())
        if self.value() == "suljettu":
            return queryset.closed_on_or_before(today())
        return queryset


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    """Two million vouchers: ordered by the number index, counted no further than the paginator's
    cap, and no date hierarchy (its year links read every voucher); a date filter instead."""

    list_display = ["number", "customer", "service", "kind_display", "organiser", "valid_from", "valid_to", "closed_on"]
    list_filter = [VoucherStatusFilter, "service__kind", "organiser", "service", ("valid_from", admin.DateFieldListFilter)]
    search_fields = ["=number", "customer__last_name", "customer__first_name"]
    list_select_related = ["customer", "service", "organiser"]
    autocomplete_fields = ["customer"]
    inlines = [VoucherContentInline]
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    sortable_by = ["number"]

    @admin.display(description=_("setelilaji"), ordering="service__kind")
    def kind_display(self, obj):
        return obj.get_kind_display()
