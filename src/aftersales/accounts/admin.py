from django.contrib import admin

from aftersales.accounts.models import ApiToken, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "prefix", "role", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash")
