"""The owner's own reply wording: adding and changing an organisation's `ReplyTemplate` rows (the
composer reads them through cases/replies.py, where an organisation's active templates of a
problem type and language replace the defaults of that type and language).

    save_template(org, who, data, template_id=None)   add one, or change title/body/position/active

Every field is checked first, all messages at once (ValidationFailed.fields, in the reader's
language); a `{placeholder}` the composer does not know is refused, so that a buyer never reads a
literal "{refnd_eta}".  Only the owner, like the other settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales import clock
from aftersales.accounts.models import Role
from aftersales.cases.explain import PROBLEM_KINDS
from aftersales.cases.models import ReplyTemplate
from aftersales.cases.replies import LANGUAGES, PLACEHOLDERS
from aftersales.domain import lifecycle as lc
from aftersales.errors import NotFound, PermissionDenied, ValidationFailed

_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
MAX_BODY = 2000


def _check_owner(who) -> None:
    if who.actor == lc.Actor.SELLER and who.role != Role.OWNER:
        raise PermissionDenied("only the owner changes the reply templates", message_zh="只有店主可以修改回复模板")


def get_template(organisation, template_id) -> ReplyTemplate:
    from aftersales.cases.team import as_id

    try:
        return ReplyTemplate.objects.get(organisation=organisation, pk=as_id(template_id))
    except ReplyTemplate.DoesNotExist:
        raise NotFound(f"reply template {template_id} not found", message_zh=f"未找到回复模板 {template_id}") from None


def _clean(data: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    values, errors = {}, {}
    if new:
        if data.get("kind") not in PROBLEM_KINDS:
            errors["kind"] = [_("Choose a problem type.")]
        if data.get("language") not in LANGUAGES:
            errors["language"] = [_("Choose a language.")]
        values["kind"], values["language"] = data.get("kind"), data.get("language")
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("This cannot be empty.")]
    elif len(title) > 100:
        errors["title"] = [_("At most %(max)d characters.") % {"max": 100}]
    body = str(data.get("body") or "").strip().replace("\r\n", "\n")
    unknown = sorted({m for m in _PLACEHOLDER.findall(body) if m not in PLACEHOLDERS})
    if not body:
        errors["body"] = [_("This cannot be empty.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("At most %(max)d characters.") % {"max": MAX_BODY}]
    elif unknown:
        errors["body"] = [_("Unknown placeholder %(names)s; use %(known)s.")
                          % {"names": ", ".join("{%s}" % n for n in unknown),
                             "known": " ".join("{%s}" % n for n in PLACEHOLDERS)}]
    raw_position = str(data.get("position") if data.get("position") is not None else "0").strip() or "0"
    if not raw_position.isdigit() or int(raw_position) > 999:
        errors["position"] = [_("A whole number from 0 to 999.")]
    values.update(title=title, body=body, position=int(raw_position) if raw_position.isdigit() else 0,
                  is_active=str(data.get("is_active", "1")).lower() in ("1", "true", "on", "yes"))
    if errors:
        raise ValidationFailed("please correct the marked fields: " + ", ".join(errors),
                               message_zh="请修改标出的字段：" + "、".join(errors), fields=errors)
    return values


def save_template(organisation, who, data: Mapping[str, Any], template_id=None) -> ReplyTemplate:
    """A new template of the organisation (template_id None), or new words for one of its own."""
    _check_owner(who)
    if template_id is None:
        values = _clean(data, new=True)
        return ReplyTemplate.objects.create(organisation=organisation, **values)
    with transaction.atomic():
        template = get_template(organisation, template_id)
        values = _clean(data, new=False)
        ReplyTemplate.objects.filter(pk=template.pk, organisation=organisation).update(**values,
                                                                                       updated_at=clock.now())
    template.refresh_from_db()
    return template
