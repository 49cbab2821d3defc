from django.contrib import admin

from aftersales.accounts.admin import TenantScoped

from aftersales.orders.models import Buyer, Order, OrderLine


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("sku_code", "title", "quantity", "unit_price", "paid_amount", "qty_requested", "qty_refunded",
              "amount_refunded")


@admin.register(Order)
class OrderAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "organisation"
    list_display = ("external_id", "shop", "buyer", "paid_amount", "currency", "placed_at", "delivered_at")
    list_filter = ("shop",)
    search_fields = ("external_id", "buyer__name")
    raw_id_fields = ("buyer",)
    inlines = [LineInline]
    show_full_result_count = False


@admin.register(Buyer)
class BuyerAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "organisation"
    list_display = ("name", "external_id", "shop", "lifetime_spend", "order_count", "case_count", "refund_count")
    list_filter = ("shop",)
    search_fields = ("name", "external_id", "email", "phone")
