"""The portal's forms: checked here for shape, by the services for meaning."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.cases import explain as ex
from aftersales.domain.reasons import REASONS
from aftersales.portal import carriers
from aftersales.portal.models import PickupWindow
from aftersales.portal.services import TYPE_REASONS, request_types
from aftersales.portal.words import is_zh


class LookupForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=100, strip=True,
                                   widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                                 "autocapitalize": "characters"}))
    contact = forms.CharField(label=_("Phone or e-mail used for the order"), max_length=200, strip=True,
                              widget=forms.TextInput(attrs={"autocomplete": "email tel"}))


def _pair(pair, lang: str) -> str:
    return pair[0] if is_zh(lang) else pair[1]


class RequestForm(forms.Form):
    """What is asked for; the lines' quantities are fields `qty_<line id>`, the files come from
    request.FILES (the view hands both to services.submit_request)."""

    case_type = forms.ChoiceField(label=_("What would you like?"), widget=forms.RadioSelect)
    reason_code = forms.ChoiceField(label=_("Why?"))
    description = forms.CharField(label=_("Tell us more (optional)"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, order, lines, lang: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.order, self.lines = order, lines
        types = request_types(order)
        self.fields["case_type"].choices = [(t, _pair(ex.CASE_TYPE_LABELS[t], lang)) for t in types]
        chosen = self.data.get("case_type") if self.is_bound else None
        chosen = chosen if chosen in types else types[0]
        self.fields["case_type"].initial = chosen
        self.chosen_type = chosen
        self.fields["reason_code"].choices = [(r, _pair((REASONS[r].zh, REASONS[r].en), lang))
                                              for r in TYPE_REASONS[chosen]]
        for ol in lines:
            left = ol.quantity - ol.qty_refunded - ol.qty_requested
            self.fields[f"qty_{ol.pk}"] = forms.IntegerField(
                label=ol.title, min_value=0, max_value=max(left, 0), required=False,
                initial=left if len(lines) == 1 and left else 0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty"}))

    def picks(self) -> list[tuple[object, int]]:
        data = self.cleaned_data
        return [(ol, data.get(f"qty_{ol.pk}") or 0) for ol in self.lines if (data.get(f"qty_{ol.pk}") or 0) > 0]

    def line_fields(self):
        return [(ol, self[f"qty_{ol.pk}"], ol.quantity - ol.qty_refunded - ol.qty_requested) for ol in self.lines]


class TrackingForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, strip=True,
                                      widget=forms.TextInput(attrs={"autocomplete": "off",
                                                                    "autocapitalize": "characters"}))

    def __init__(self, *args, region: str, lang: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [(c.code, c.name(lang)) for c in carriers.for_region(region)]


class PickupForm(forms.Form):
    day = forms.TypedChoiceField(label=_("Day"), coerce=date.fromisoformat)
    window = forms.ChoiceField(label=_("Time"), choices=PickupWindow.choices)
    address = forms.CharField(label=_("Pickup address"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(label=_("Phone for the courier"), max_length=40)

    def __init__(self, *args, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(d.isoformat(), d.isoformat()) for d in days]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Your rating"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)],
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the shop"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
