from django.contrib import admin

from aftersales.connectors.models import CaseLink, Connection, InboundEvent, PlatformCall, WebhookDelivery


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("shop", "platform", "remote_shop_id", "app_key", "secrets_hint", "client_kind", "active",
                    "cursor_until", "next_pull_at", "last_pull_error")
    list_filter = ("platform", "active", "client_kind")
    # the sealed secrets never appear: only their masked hint
    exclude = ("secrets_encrypted",)
    readonly_fields = ("secrets_hint", "cursor_until", "cursor_window_end", "cursor_page", "last_pull_at",
                       "last_pull_error", "backoff_seconds", "pulling_until")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(organisation__memberships__user=request.user)


@admin.register(WebhookDelivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("received_at", "platform", "outcome", "http_status", "events", "new_events", "detail")
    list_filter = ("platform", "outcome")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundEvent)
class EventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "connection", "kind", "subject", "status", "outcome", "attempts", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("event_id", "subject")

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(CaseLink, list_display=("case", "platform_case_id", "sync_status", "sync_error", "last_sent_at"))
admin.site.register(PlatformCall, list_display=("created_at", "connection", "api", "ok", "error"))
