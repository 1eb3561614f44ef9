"""A move is described once, in `cases.workflow.MOVES`: every other table keyed by action
names covers exactly its moves, every history written without the engine (the demo, the
generator) is made of legal moves, and the features meet a step in one stated order."""

from datetime import date

import pytest
from django.core.management import call_command

from cases import seams
from cases.api.serializers import ACTION_SERIALIZERS
from cases.models import CaseEvent
from cases.services import STEPS
from cases.workflow import FILING, MOVES, USER_ACTIONS, label_of
from demo.generate import Generator
from demo.scale import build_province
from desk.forms import ACTION_FORMS
from dvcqg.payloads import STEP_WORDS


def test_every_table_keyed_by_action_covers_exactly_the_moves():
    assert STEPS.keys() == MOVES.keys()  # what each move changes
    assert ACTION_SERIALIZERS.keys() == set(USER_ACTIONS)  # the API's body per action
    assert ACTION_FORMS.keys() == set(USER_ACTIONS)  # the case page's form per action
    # The national portal's words for each step of the timeline it is sent.
    assert STEP_WORDS.keys() == {FILING, *MOVES} - {"reprint-receipt"}
    assert {"submit-result", "sign"} <= set(USER_ACTIONS)  # the documents app performs them
    for action in ("submit-result", "sign"):
        assert seams.action_service(action) is not None, action
    assert all(str(move.label) for move in MOVES.values())
    assert str(label_of(FILING)) and label_of("no-such-action") == "no-such-action"


def test_reprinting_the_receipt_is_a_move_taken_through_its_own_door():
    move = MOVES["reprint-receipt"]
    assert not move.listed and move.form == "01" and move.target is None
    assert "reprint-receipt" not in USER_ACTIONS


def test_the_features_meet_a_step_in_the_stated_order():
    """`cases.seams.ORDER`: the fee gate first (it refuses before anything is written),
    the reports' row before the messages that read the case as the step left it."""
    registered = [subscriber.name for subscriber in seams.subscribers()]
    assert registered == [
        "payments.fee_gate",
        "reports.facts",
        "notifications.applicant",
        "dvcqg.sync",
    ]
    assert registered == [name for name in seams.ORDER if name in registered]
    with pytest.raises(LookupError):
        seams.subscribe("somebody.else", on_step=print)


def _illegal(histories) -> list[str]:
    """The events that are no legal move from the state their case was in."""
    wrong = []
    for case_id, events in histories.items():
        status = ""
        for action, from_status, to_status in events:
            if action == FILING:
                legal = status == "" and from_status == ""
            else:
                move = MOVES.get(action)
                legal = (
                    move is not None
                    and from_status == status
                    and from_status in move.sources
                    and to_status == (move.target or from_status)
                )
            if not legal:
                wrong.append(f"case {case_id}: {action} {from_status or '-'} -> {to_status}")
            status = to_status
    return wrong


def _histories(rows):
    histories = {}
    for case_id, action, from_status, to_status in rows:
        histories.setdefault(case_id, []).append((action, from_status, to_status))
    return histories


@pytest.mark.django_db
def test_every_event_the_generator_writes_is_a_legal_move():
    build_province()
    generator = Generator(seed=11, until=date(2026, 11, 27), years=1)
    for procedure in generator.cat.procedures[:300]:
        generator.case(procedure)
    rows = sorted(generator.writer.rows[CaseEvent], key=lambda row: (row[1], row[3], row[0]))
    events = [(row[1], row[4], row[5], row[6]) for row in rows]
    assert len({case_id for case_id, *_ in events}) == 300
    wrong = _illegal(_histories(events))
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_every_event_of_the_demo_province_is_a_legal_move(settings):
    settings.DEBUG = True  # load_demo refuses to run in production
    call_command("load_demo", verbosity=0)
    rows = CaseEvent.objects.order_by("case_id", "at", "id").values_list(
        "case_id", "action", "from_status", "to_status"
    )
    assert rows.count() > 500
    assert _illegal(_histories(rows)) == []
