from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "provider", "kind", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["provider"]
    show_full_result_count = False
