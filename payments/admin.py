from django.contrib import admin

from payments.models import Payment, PaymentLine, PaymentRun


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    show_change_link = True


@admin.register(PaymentRun)
class PaymentRunAdmin(admin.ModelAdmin):
    list_display = ["organiser", "month", "status", "progress", "created_by", "approved_at"]
    list_filter = ["status", "organiser"]
    list_select_related = ["organiser", "created_by"]
    inlines = [PaymentInline]


class PaymentLineInline(admin.TabularInline):
    model = PaymentLine
    extra = 0
    raw_id_fields = ["event", "customership"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["provider", "run", "amount"]
    list_filter = ["run__organiser", "run__month"]
    search_fields = ["provider__name", "provider__business_id"]
    list_select_related = ["provider", "run__organiser"]
    inlines = [PaymentLineInline]
