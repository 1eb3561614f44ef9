from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from cases import seams

        from . import fee_gate, links, simulator
        from .gateways import paygov

        seams.provide_fee_ledger(fee_gate.ledger)
        seams.subscribe("payments.fee_gate", refuse=fee_gate.refuse)
        seams.add_case_part("fees", fee_gate.fees_due_data)
        seams.add_case_part("pay_path", links.pay_path)  # the citizen's signed pay link
        paygov.use_in_process(simulator.answer)  # it answers only while it is allowed
