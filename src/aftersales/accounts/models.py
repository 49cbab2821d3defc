"""Tenants and the people and programs that act for them."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A merchant: the tenant.  Nothing of one organisation is ever shown to another."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Shop owner")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Agent")
    WAREHOUSE = "warehouse", _("Warehouse")
    FINANCE = "finance", _("Finance")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    # Approving a refund above this needs someone with a higher limit; null = no limit.
    refund_approval_limit = models.DecimalField(
        _("refund approval limit"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # A member who left: signs in to this organisation no more and gets no new cases; the row stays
    # so that the timeline and the figures still name them.  (web.access reads only active ones.)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class ApiToken(models.Model):
    """A bearer token for one organisation.  Only its SHA-256 is stored."""

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)  # lookup on every API request
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SUPERVISOR)
    # Like a member's: refunds above it need a person with a higher limit; null = no limit.
    refund_approval_limit = models.DecimalField(
        _("refund approval limit"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, organisation: Organisation, name: str, role: str = Role.SUPERVISOR) -> tuple["ApiToken", str]:
        raw = "as_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            organisation=organisation, name=name, prefix=raw[:10], key_hash=cls.hash(raw), role=role
        )
        return token, raw

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
