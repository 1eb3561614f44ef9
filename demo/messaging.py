"""The demo's messaging: the Zalo ZNS templates as if registered with Zalo (one per case
action and language, with their parameters), so that a case filed in the embedded mode for
an applicant who chose Zalo is heard about on the simulated Zalo, falling back to the
simulated Viettel SMS where the phone has no Zalo account (the simulator's numbers ending
in 000)."""

from notifications.models import ProviderTemplate

CODE = {"name": "ma_ho_so", "source": "code", "max_length": 30, "cut": False}
PROCEDURE = {"name": "thu_tuc", "source": "procedure", "max_length": 100, "cut": True}
LOOKUP = {"name": "tra_cuu", "source": "lookup_url", "max_length": 200, "cut": True}

# The parameters of each action's template, besides the case code and the procedure.
PARAMS = {
    "accept": [
        {"name": "ngay_hen", "source": "appointment", "max_length": 20, "cut": False},
        {"name": "ma_tra_cuu", "source": "pin", "max_length": 10, "cut": False},
    ],
    "request-payment": [
        {"name": "so_tien", "source": "amount", "max_length": 20, "cut": False},
        {"name": "thanh_toan", "source": "pay_url", "max_length": 200, "cut": True},
    ],
    "request-supplement": [
        {"name": "giay_to", "source": "items", "max_length": 200, "cut": True},
    ],
    "apologise": [
        {"name": "ngay_hen", "source": "appointment", "max_length": 20, "cut": False},
    ],
    "reject": [{"name": "ly_do", "source": "reason", "max_length": 200, "cut": True}],
    "stop": [{"name": "ly_do", "source": "reason", "max_length": 200, "cut": True}],
    "withdraw": [],
    "sign": [],
    "return": [],
}


def build_provider_templates() -> int:
    """Register (again) a ZNS template per action and language; the number of templates."""
    count = 0
    for number, (action, params) in enumerate(PARAMS.items(), 1):
        for offset, language in enumerate(("vi", "en")):
            ProviderTemplate.objects.update_or_create(
                provider=ProviderTemplate.Provider.ZNS,
                action=action,
                language=language,
                defaults={
                    "template_id": str(300000 + 10 * number + offset),
                    "params": [CODE, PROCEDURE, *params, LOOKUP],
                    "note": "demo",
                },
            )
            count += 1
    return count
