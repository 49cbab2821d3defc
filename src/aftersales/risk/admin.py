from django.contrib import admin

from aftersales.accounts.admin import TenantScoped
from aftersales.risk.models import BuyerRestriction, CaseRisk, ShopRiskSettings


@admin.register(ShopRiskSettings)
class ShopRiskSettingsAdmin(TenantScoped, admin.ModelAdmin):
    """A shop's thresholds and risky categories (docs/RISK.md)."""

    tenant_path = "shop__organisation"
    list_display = ("shop", "medium_threshold", "high_threshold", "risky_categories")


@admin.register(BuyerRestriction)
class BuyerRestrictionAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "organisation"
    list_display = ("identity", "kind", "reason", "expires_at", "created_at", "lifted_at")
    list_filter = ("kind",)
    raw_id_fields = ("identity", "created_by", "lifted_by")


@admin.register(CaseRisk)
class CaseRiskAdmin(TenantScoped, admin.ModelAdmin):
    """Read-only: a score is computed, not typed."""

    tenant_path = "organisation"
    list_display = ("case", "level", "score", "computed_at")
    list_filter = ("level",)
    raw_id_fields = ("case", "identity")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
