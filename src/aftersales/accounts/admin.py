from django.contrib import admin

from aftersales.accounts.models import ApiToken, Membership, Organisation


class TenantScoped:
    """Staff who are not superusers see only rows of the organisations they are members of."""

    tenant_path = "organisation"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        orgs = Membership.objects.filter(user=request.user, active=True).values("organisation_id")
        return qs.filter(**{f"{self.tenant_path}__in": orgs})


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(TenantScoped, admin.ModelAdmin):
    tenant_path = "pk"
    list_display = ("name", "slug", "created_at")
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(TenantScoped, admin.ModelAdmin):
    list_display = ("name", "organisation", "prefix", "role", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash")
