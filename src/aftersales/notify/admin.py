from django.contrib import admin

from aftersales.notify.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("topic", "channel", "recipient", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel", "topic")
    raw_id_fields = ("case",)
    show_full_result_count = False
