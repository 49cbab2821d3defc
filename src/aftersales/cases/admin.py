"""The Django admin: the operator's view.  Cases move only through the services (the API, the
CLI, the workbench), so here they are read-only; staff who are not superusers see only the
organisations they belong to."""

from django.contrib import admin

from aftersales.accounts.admin import TenantScoped
from aftersales.cases import models as m


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = m.CaseLine
    fields = ("order_line", "quantity", "amount", "released")


class DeadlineInline(ReadOnlyInline):
    model = m.Deadline
    fields = ("kind", "party", "step", "due_at", "source", "clock", "on_timeout", "status", "note")


class EventInline(ReadOnlyInline):
    model = m.TimelineEvent
    fields = ("created_at", "actor", "kind", "state_before", "state_after", "message_zh", "message_en")


class RefundInline(ReadOnlyInline):
    model = m.Refund
    fields = ("amount", "currency", "status", "method", "approved_at", "paid_at", "succeeded_at")


class ReadOnlyAdmin(TenantScoped, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Case)
class CaseAdmin(ReadOnlyAdmin):
    tenant_path = "organisation"
    list_display = ("number", "shop", "case_type", "state", "refund_state", "priority", "next_due_at", "channel",
                    "requested_amount", "currency", "created_at")
    list_filter = ("platform", "state", "case_type", "channel", "priority_band", "is_open", "shop")
    search_fields = ("platform_case_id", "order__external_id", "buyer__name", "buyer__external_id")
    ordering = ("-priority", "-id")
    list_select_related = ("shop",)
    raw_id_fields = ("buyer", "order", "assignee")
    readonly_fields = ("state", "refund_state", "return_state", "arbitration_state", "version", "policy_result",
                       "platform_payload", "priority", "next_due_at")
    inlines = [LineInline, DeadlineInline, RefundInline, EventInline]
    show_full_result_count = False  # no COUNT(*) over a million rows


@admin.register(m.Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    tenant_path = "case__organisation"
    list_display = ("case", "kind", "party", "due_at", "source", "on_timeout", "status")
    list_filter = ("status", "kind", "source", "on_timeout")
    raw_id_fields = ("case",)
    show_full_result_count = False


@admin.register(m.TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    tenant_path = "case__organisation"
    list_display = ("case", "created_at", "actor", "kind", "state_before", "state_after", "message_en")
    list_filter = ("kind", "actor")
    raw_id_fields = ("case", "actor_user")
    show_full_result_count = False


@admin.register(m.ReplyTemplate)
class ReplyTemplateAdmin(TenantScoped, admin.ModelAdmin):
    """A shop's own reply wording (cases/replies.py): editable, unlike the case rows."""

    tenant_path = "organisation"
    list_display = ("title", "organisation", "kind", "language", "position", "is_active", "updated_at")
    list_filter = ("kind", "language", "is_active")
    search_fields = ("title", "body")
    ordering = ("organisation", "kind", "language", "position", "id")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Staff choose among their own organisations only.
        if db_field.name == "organisation" and not request.user.is_superuser:
            from aftersales.accounts.models import Membership, Organisation

            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=Membership.objects.filter(user=request.user).values("organisation_id"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
