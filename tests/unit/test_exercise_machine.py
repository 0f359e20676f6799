"""Exercise isolation as a property, in CI: a fixed budget of `ExerciseMachine`.

See tests/support/exercise_machine.py for the rule it checks.
"""

from __future__ import annotations

import pytest

from tests.support.exercise_machine import ExerciseMachine
from tests.support.machine import ci_settings, machine_fixture

TestExerciseStateMachine = ExerciseMachine.TestCase
TestExerciseStateMachine.settings = ci_settings(examples=10, steps=30)
machine = machine_fixture(ExerciseMachine)


def test_the_machine_notices_an_unmarked_exercise_reply(machine: ExerciseMachine) -> None:
    """The checker itself can fail: a forged unmarked row into the exercise room."""
    from storage import outbox
    from storage.ids import RoomId

    async def forge() -> None:
        async with machine.db.transaction() as session:
            await outbox.add(
                session,
                RoomId("!coord-oef:x"),
                "message",
                {"msgtype": "m.notice", "body": "Situatiebeeld oef"},
                "forged-1",
            )

    machine._run(forge())
    with pytest.raises(AssertionError, match="lacks OEFENING"):
        machine.check_outbox()


def test_an_extreme_exercise_report_alerts_only_exercise_rooms(machine: ExerciseMachine) -> None:
    machine.report(exercise=True, incident=None, severity="extreem", figure=True)
    machine.read(slot=1, read="!beeld", incident="storm")
    machine.read(slot=6, read="!meldingen", incident="storm")
    machine.subscribe(exercise=False)
    machine.subscribe(exercise=True)
    machine.scheduled_pictures()


def test_a_real_room_cannot_report_into_the_exercise(machine: ExerciseMachine) -> None:
    machine.report(exercise=False, incident="oef", severity="extreem", figure=False)
    machine.report(exercise=True, incident="storm", severity="extreem", figure=False)
    machine.read(slot=1, read="!export {incident} json", incident="storm")
    machine.read(slot=4, read="!export {incident} csv", incident="oef")


def test_an_exercise_question_answered_from_the_real_curator_room(
    machine: ExerciseMachine,
) -> None:
    machine.ask(exercise=True)
    machine.ask(exercise=False)
    machine.read(slot=7, read="!vragen", incident="storm")
    machine.answer(which=0, publish=True)
    machine.answer(which=0, publish=False)
    machine.read(slot=4, read="!beeld", incident="oef")
    machine.read(slot=1, read="!beeld", incident="storm")


def test_an_exercise_curator_room_cannot_answer_a_real_question(
    machine: ExerciseMachine,
) -> None:
    machine.ask(exercise=False)  # V1, real
    machine.answer(which=4, publish=False)  # from the exercise's curator room
    machine.answer(which=4, publish=True)


@pytest.mark.parametrize("thumbs", [False, True])
def test_an_offer_does_not_cross_a_rebinding(machine: ExerciseMachine, thumbs: bool) -> None:
    # Found by the machine's `rebind` rule (session 9) on 41fb97e: a real update offered
    # in the swap room, the room rebound to the exercise, then `ja`: the real words were
    # recorded into the exercise (and, the other way round, a drill's into reality).
    machine.free_text(which=2)
    machine.rebind()
    machine.confirm(which=2, thumbs=thumbs)
    machine.free_text(which=2)
    machine.rebind()
    machine.confirm(which=2, thumbs=thumbs)
    machine.read(slot=1, read="!meldingen", incident="storm")


@pytest.mark.parametrize("drill_first", [False, True])
def test_an_edit_does_not_cross_a_rebinding(machine: ExerciseMachine, drill_first: bool) -> None:
    # Found by the machine's `swap_report` rule (session 9) on fc9df1f^: a report from
    # the swap room, the room rebound to the other mode, then an edit of the report: the
    # words typed in the one mode became the other's report (both ways).
    if drill_first:
        machine.rebind()
    machine.swap_report(severity="matig", edit=False)
    machine.rebind()
    machine.swap_report(severity="extreem", edit=True)
    machine.read(slot=1, read="!meldingen", incident="storm")
    machine.read(slot=4, read="!meldingen", incident="oef")


@pytest.mark.parametrize("edit", [False, True])
def test_a_redaction_after_a_rebinding_tells_reality_unmarked(
    machine: ExerciseMachine, edit: bool
) -> None:
    # Found by the machine's `swap_redact` rule (session 9) on cdc5d07^: a severe real
    # report from the swap room (edited down to moderate), the room rebound to the drill,
    # then the report retracted (or the edit redacted): the real coordinators' notice
    # (or restored alert) came marked OEFENING.
    machine.swap_report(severity="ernstig", edit=False)
    if edit:
        machine.swap_report(severity="matig", edit=True)
    machine.rebind()
    machine.swap_redact(edit=edit)
