"""Forms of the workbench: the login with its throttle, and the queue's filters, which become a
`cases.queries.QueueQuery` (the same query the JSON API runs)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.cases import explain as ex
from aftersales.cases.queries import VIEWS, QueueQuery
from aftersales.domain import lifecycle as lc
from aftersales.domain.platforms import PROFILES
from aftersales.domain.priority import Band
from aftersales.domain.reasons import REASONS
from aftersales.web import throttle

PAGE_SIZE = 25
MAX_POLL_ROWS = 200   # a poll reloads at most this many rows (what the agent has paged in)


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed log-ins for this user name from your address. "
                       "Wait up to %(minutes)d minutes, then try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        if username and throttle.is_locked(username, ip):
            raise ValidationError(self.error_messages["throttled"], code="throttled",
                                  params={"minutes": settings.LOGIN_LOCKOUT_MINUTES})
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                throttle.record_failure(username, ip)
            raise
        throttle.clear(username, ip)
        return cleaned


def _blank(label):
    return [("", label)]


BAND_LABELS = {Band.CRITICAL: _("Critical"), Band.HIGH: _("High"), Band.NORMAL: _("Normal"), Band.LOW: _("Low")}
SORT_LABELS = {"priority": _("Priority"), "due": _("Deadline"), "created": _("Newest")}


def reason_categories() -> list[tuple[str, str]]:
    """The top of the canonical reason tree: what the queue calls the problem type."""
    return [(code, ex.in_language(r.zh, r.en)) for code, r in REASONS.items() if "." not in code]


class QueueFilterForm(forms.Form):
    """GET parameters of the queue.  An invalid value is reported beside its field and ignored."""

    view = forms.ChoiceField(required=False, choices=[(v, v) for v in VIEWS], widget=forms.HiddenInput)
    q = forms.CharField(required=False, max_length=100, strip=True, label=_("Search"))
    shop = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Shop"))
    platform = forms.ChoiceField(required=False, label=_("Platform"))
    state = forms.ChoiceField(required=False, label=_("State"))
    type = forms.ChoiceField(required=False, label=_("Type"))
    problem = forms.ChoiceField(required=False, label=_("Problem type"))
    band = forms.ChoiceField(required=False, label=_("Priority"))
    due_before = forms.DateTimeField(
        required=False, label=_("Deadline before"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    sort = forms.ChoiceField(required=False, label=_("Sort by"))

    def __init__(self, data, *, shops):
        super().__init__(data)
        f = self.fields
        f["shop"].choices = _blank(_("All shops")) + [(s.pk, s.name) for s in shops]
        f["platform"].choices = _blank(_("All platforms")) + [
            (code, ex.in_language(p.name_zh, p.name_en)) for code, p in sorted(PROFILES.items())]
        f["state"].choices = _blank(_("Open cases")) + [
            (s, ex.in_language(*ex.STATE_LABELS[s])) for s in lc.CaseState if s in ex.STATE_LABELS]
        f["type"].choices = _blank(_("All types")) + [
            (t.value, ex.in_language(zh, en)) for t, (zh, en) in ex.CASE_TYPE_LABELS.items()]
        f["problem"].choices = _blank(_("All problems")) + reason_categories()
        f["band"].choices = _blank(_("All priorities")) + [(b.value, label) for b, label in BAND_LABELS.items()]
        f["sort"].choices = list(SORT_LABELS.items())
        for name, field in f.items():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("id", f"filter-{name}")
        f["q"].widget.attrs.update(placeholder=_("Order, buyer, tracking…"), type="search", autocomplete="off",
                                   title=_("Order number, buyer name or id, return tracking number, case number, "
                                           "or words of the buyer's reason"))

    def values(self) -> dict:
        """The valid filters (an invalid one is left out)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def active(self) -> bool:
        v = self.values()
        return any(k not in ("view", "sort") for k in v)

    def query(self, *, user_id: int, now, cursor: str | None = None, limit: int = PAGE_SIZE) -> QueueQuery:
        v = self.values()
        state = v.get("state")
        terminal = state is not None and lc.CaseState(state).is_terminal
        return QueueQuery(
            shop=v.get("shop"), platform=v.get("platform"), states=(state,) if state else (),
            case_type=v.get("type"), reason=v.get("problem"), priority_band=v.get("band"),
            deadline_before=v.get("due_before"), open="all" if terminal else "true",
            q=v.get("q"), text_search=True, view=v.get("view") or "all", user_id=user_id, now=now,
            sort=v.get("sort") or "priority", cursor=cursor, limit=limit)
