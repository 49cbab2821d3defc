"""The case page's forms: one per action, checking what a person typed before a service sees it
(so that the common mistakes come back in the viewer's language); the services check again."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.cases import explain as ex
from aftersales.cases.models import InspectionOutcome, OfferKind
from aftersales.cases.offers import MAX_OPTIONS, OfferOption
from aftersales.errors import ValidationFailed


def bilingual_choices(table: dict) -> list[tuple[str, str]]:
    return [(key, ex.bilingual(zh, en)) for key, (zh, en) in table.items()]


def refusal(form: forms.Form) -> ValidationFailed:
    """A form's errors as one ValidationFailed, its message in the active language."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    message = "; ".join(str(p) for p in parts)
    return ValidationFailed(message, fields={k: [str(e) for e in v] for k, v in form.errors.items()},
                            message_zh=message)


def money_field(label, required=False):
    return forms.DecimalField(label=label, required=required, min_value=Decimal("0"), max_digits=12,
                              decimal_places=2)


class ActForm(forms.Form):
    expected_version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                          widget=forms.HiddenInput)

    def checked(self) -> dict:
        if not self.is_valid():
            raise refusal(self)
        return self.cleaned_data


class AmountForm(ActForm):
    amount = money_field(gettext_lazy("Amount"))


class RejectForm(ActForm):
    reason_code = forms.ChoiceField(label=gettext_lazy("Reason"), choices=bilingual_choices(ex.REJECT_REASONS))
    note = forms.CharField(label=gettext_lazy("Note for the buyer"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("reason_code") == "other" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why: the buyer will read it."))
        return data


class OfferForm(ActForm):
    kinds = forms.MultipleChoiceField(label=gettext_lazy("Options"), choices=OfferKind.choices,
                                      error_messages={"required": gettext_lazy("Choose at least one option.")})
    partial_amount = money_field(gettext_lazy("Partial refund amount"))
    coupon_code = forms.CharField(label=gettext_lazy("Coupon code"), required=False, max_length=60)
    coupon_value = money_field(gettext_lazy("Coupon value"))
    gift = forms.CharField(label=gettext_lazy("Gift"), required=False, max_length=200)
    gift_value = money_field(gettext_lazy("Gift value"))
    repair_by = forms.CharField(label=gettext_lazy("Repaired by"), required=False, max_length=100)
    note = forms.CharField(label=gettext_lazy("Note for the buyer"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        kinds = data.get("kinds") or []
        if len(kinds) > MAX_OPTIONS:
            self.add_error("kinds", _("At most %(n)d options at once.") % {"n": MAX_OPTIONS})
        if OfferKind.PARTIAL_REFUND in kinds and data.get("partial_amount") is None:
            self.add_error("partial_amount", _("Give the amount of the partial refund."))
        if OfferKind.COUPON in kinds and data.get("coupon_value") is None:
            self.add_error("coupon_value", _("Give the coupon's value."))
        if OfferKind.GIFT in kinds and data.get("gift_value") is None:
            self.add_error("gift_value", _("Give the gift's value."))
        return data

    def options(self) -> list[OfferOption]:
        d = self.cleaned_data
        note = d["note"].strip()
        out = []
        for kind in d["kinds"]:
            if kind == OfferKind.PARTIAL_REFUND:
                out.append(OfferOption(kind, d["partial_amount"], note))
            elif kind == OfferKind.COUPON:
                out.append(OfferOption(kind, d["coupon_value"], note, coupon_code=d["coupon_code"].strip()))
            elif kind == OfferKind.GIFT:
                gift = d["gift"].strip()
                out.append(OfferOption(kind, d["gift_value"], f"{gift} {note}".strip() if gift else note))
            elif kind == OfferKind.REPAIR:
                out.append(OfferOption(kind, None, note, repair_by=d["repair_by"].strip() or "in_house"))
            else:
                out.append(OfferOption(kind, None, note))
        return out


class AnswerOfferForm(ActForm):
    offer_id = forms.IntegerField(label=gettext_lazy("Offer"), required=False, min_value=1)


class ShipForm(ActForm):
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=50)
    tracking_number = forms.CharField(label=gettext_lazy("Tracking number"), max_length=60)


class InspectForm(ActForm):
    outcome = forms.ChoiceField(label=gettext_lazy("Result"), choices=InspectionOutcome.choices)
    quantity_damaged = forms.IntegerField(label=gettext_lazy("Damaged units"), required=False, min_value=0,
                                          max_value=1_000_000)
    note = forms.CharField(label=gettext_lazy("What was found"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("outcome") and data["outcome"] != InspectionOutcome.OK and not (data.get("note") or "").strip():
            self.add_error("note", _("Describe what was found."))
        return data


class PayForm(ActForm):
    external_id = forms.CharField(label=gettext_lazy("Payment reference"), required=False, max_length=100)


class RequestEvidenceForm(ActForm):
    kinds = forms.MultipleChoiceField(label=gettext_lazy("Ask for"), choices=bilingual_choices(ex.EVIDENCE_REQUESTS),
                                      error_messages={"required": gettext_lazy("Choose what the buyer should send.")})
    note = forms.CharField(label=gettext_lazy("Note for the buyer"), required=False, max_length=2000)


class EscalateForm(ActForm):
    note = forms.CharField(label=gettext_lazy("Why the platform should step in"), max_length=2000)


class NoteForm(ActForm):
    body = forms.CharField(label=gettext_lazy("Note"), max_length=2000)


class ReplyForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Reply"), max_length=5000)
    template = forms.CharField(required=False, max_length=60)
