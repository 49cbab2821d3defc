from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "aftersales.risk"
    label = "risk"
    verbose_name = _("Refund risk")

    def ready(self):
        # Re-score on new facts; hold automatic approvals and payouts of risky cases (cases.scoring.DECISION_GATES).
        from aftersales.cases import scoring
        from aftersales.risk import gates, receivers  # noqa: F401  (connects the receivers)

        if gates.risk_gate not in scoring.DECISION_GATES:
            scoring.DECISION_GATES.append(gates.risk_gate)
        if receivers.case_created not in scoring.CASE_CREATED:
            scoring.CASE_CREATED.append(receivers.case_created)
