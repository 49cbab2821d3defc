"""What assistance keeps beside the core's rows.

- `CaseAssessment`: the latest reading of a case's buyer messages: problem type with confidence,
  urgency with its reasons, and whether that reading set the case's type (an agent's choice is
  never overwritten).
- `TrainingExample`: a buyer's text with the problem type an agent confirmed or corrected, per
  organisation: what the organisation's own model learns from.
- `OrgModel`: an organisation's fitted first-stage model (`aftersales retrain`).
- `PlaybookRule`: a shop's own playbook rule; it replaces the default rule of the same key
  (domain/playbook.DEFAULT_RULES) or adds one.
- `JobRun`: when a scheduled job last ran, so that the worker's tick returns at once when nothing is due.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Organisation
from aftersales.cases.models import Case
from aftersales.catalog.models import Shop
from aftersales.domain.problems import TYPES

PROBLEM_CHOICES = [(t.key, t.key) for t in TYPES]


class CaseAssessment(models.Model):
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assessment")
    problem_type = models.CharField(_("problem type"), max_length=30, choices=PROBLEM_CHOICES)
    confidence = models.FloatField(_("confidence"))
    stage = models.PositiveSmallIntegerField(_("stage"), default=1)
    language = models.CharField(_("language"), max_length=5, default="zh")
    urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reasons = models.JSONField(_("urgency reasons"), default=list, blank=True)   # [[zh, en], ...]
    set_type = models.BooleanField(_("set the case's type"), default=False)
    corrected = models.BooleanField(_("corrected by an agent"), default=False)
    message_id = models.PositiveBigIntegerField(_("message"), null=True, blank=True)   # the last message read
    model_version = models.CharField(_("model version"), max_length=40, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        verbose_name = _("case assessment")
        verbose_name_plural = _("case assessments")


class TrainingExample(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    text = models.TextField(_("text"))
    problem_type = models.CharField(_("problem type"), max_length=30, choices=PROBLEM_CHOICES)
    predicted_type = models.CharField(_("predicted type"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("training example")
        verbose_name_plural = _("training examples")
        indexes = [
            # retraining: WHERE organisation=? ORDER BY created_at; the tick: MAX(created_at) per organisation
            models.Index(fields=["organisation", "created_at"], name="assist_example_org_idx"),
        ]


class OrgModel(models.Model):
    organisation = models.OneToOneField(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                        related_name="+")
    data = models.BinaryField(_("model"))
    examples = models.PositiveIntegerField(_("examples"), default=0)
    fitted_at = models.DateTimeField(_("fitted at"))

    class Meta:
        verbose_name = _("organisation model")
        verbose_name_plural = _("organisation models")


class PlaybookRule(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="+")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+", help_text=_("Empty: every shop of the organisation."))
    key = models.SlugField(_("key"), max_length=60,
                           help_text=_("The key of a default rule replaces it; a new key adds a rule."))
    problem_type = models.CharField(_("problem type"), max_length=30, choices=PROBLEM_CHOICES)
    offers = models.CharField(_("offers"), max_length=100, blank=True,
                              help_text=_("Offer kinds made in one click, comma-separated (refund, reship, "
                                          "exchange, coupon, gift, repair, partial_refund); empty: no offer."))
    coupon_amount = models.CharField(_("coupon amount"), max_length=12, blank=True)
    when = models.CharField(_("only when"), max_length=100, blank=True,
                            help_text=_("Facts that must hold: tracking_delivered, shipped, quality_confirmed, "
                                        "refunded (comma-separated)."))
    unless = models.CharField(_("unless"), max_length=100, blank=True)
    text_zh = models.CharField(_("suggestion (Chinese)"), max_length=200)
    text_en = models.CharField(_("suggestion (English)"), max_length=200)
    reason_zh = models.CharField(_("reason (Chinese)"), max_length=300)
    reason_en = models.CharField(_("reason (English)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("playbook rule")
        verbose_name_plural = _("playbook rules")
        ordering = ["problem_type", "position", "id"]
        indexes = [
            # the case panel: WHERE organisation=? (AND shop=? or shop IS NULL)
            models.Index(fields=["organisation", "problem_type"], name="assist_playbook_idx"),
        ]

    def __str__(self) -> str:
        return self.key


class JobRun(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
