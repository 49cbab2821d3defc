from django.contrib import admin

from aftersales.accounts.admin import TenantScoped

from aftersales.notify.models import OutboxMessage, QuietHours


@admin.register(OutboxMessage)
class OutboxMessageAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "organisation"

    def has_change_permission(self, request, obj=None):
        return False
    list_display = ("topic", "channel", "recipient", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel", "topic")
    raw_id_fields = ("case",)
    show_full_result_count = False


@admin.register(QuietHours)
class QuietHoursAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "shop__organisation"
    list_display = ("shop", "starts", "ends", "channels")
