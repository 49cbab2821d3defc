from django.contrib import admin

from aftersales.accounts.admin import TenantScoped

from aftersales.catalog.models import Product, Shop, Sku


@admin.register(Shop)
class ShopAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "organisation"
    list_display = ("name", "organisation", "platform", "region", "currency", "time_zone", "policy_version")
    list_filter = ("platform", "organisation")


@admin.register(Product)
class ProductAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "shop__organisation"
    list_display = ("title", "shop", "category", "no_reason_eligible", "exclusion", "warranty_days")
    list_filter = ("shop", "category", "exclusion")
    search_fields = ("title", "external_id")


@admin.register(Sku)
class SkuAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "shop__organisation"
    list_display = ("code", "title", "shop", "price")
    search_fields = ("code", "title")
