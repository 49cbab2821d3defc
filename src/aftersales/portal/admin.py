from django.contrib import admin

from aftersales.accounts.admin import TenantScoped
from aftersales.portal.models import Pickup, ShopPortal, StatusLink


@admin.register(ShopPortal)
class ShopPortalAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "shop__organisation"
    list_display = ("shop", "pickup_carrier", "delay_compensation")


@admin.register(Pickup)
class PickupAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "case__organisation"
    list_display = ("case", "carrier", "day", "window", "status", "created_at")
    list_filter = ("status", "carrier")
    raw_id_fields = ("case",)


@admin.register(StatusLink)
class StatusLinkAdmin(TenantScoped, admin.ModelAdmin):
    """Read-only: a link is made with its case and never changes (the token is a secret)."""

    tenant_path = "case__organisation"
    list_display = ("case", "language", "created_at", "last_seen_at")
    exclude = ("token",)
    raw_id_fields = ("case",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
