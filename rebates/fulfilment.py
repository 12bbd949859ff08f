"""The Peak Time Rebate product's fulfilment, for the enrollment app's orders.

`settings.ENROLLMENT_FULFILMENT_HANDLERS["ptr"]` names this class; the
enrollment app calls it by duck typing (rebates must not import enrollment):
``start`` enrols the customer through ``ptr_participant_enroll`` and returns
the participant id as the line's reference; ``ended`` withdraws them. A
customer who cannot take part gets the reason as a ``ValidationError``, which
rejects the order line with that message.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import ValidationError

from rebates.models import EnrolledVia, Participant, ParticipantStatus, PtrProgram
from rebates.selectors import program_current
from rebates.services import PtrEnrollmentError, ptr_participant_enroll, ptr_participant_withdraw


def _program(params: dict) -> PtrProgram | None:
    """The product's program by code (``{"program": "<code>"}``), else the current one."""
    code = (params or {}).get("program", "")
    if code:
        program = PtrProgram.objects.filter(code__iexact=code, is_active=True).first()
        if program is not None:
            return program
    return program_current()


class PtrFulfilment:
    def start(self, request) -> SimpleNamespace:
        try:
            participant = ptr_participant_enroll(
                customer=request.customer,
                program=_program(request.params),
                via=EnrolledVia.ENROLLMENT,
                enabling_technology=(request.params or {}).get("enabling_technology"),
            )
        except PtrEnrollmentError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        return SimpleNamespace(
            activate=True,
            review=False,
            reference=str(participant.pk),
            note=f"Peak time rebate participant {participant.pk} ({participant.program.code})",
        )

    def participating(self, customer, params: dict) -> bool:
        """Whether the customer already takes part (e.g. enrolled automatically)."""
        program = _program(params)
        return (
            program is not None
            and Participant.objects.filter(
                program=program, customer=customer, status=ParticipantStatus.ACTIVE
            ).exists()
        )

    def activated(self, request) -> None:
        """Nothing to do: the participant takes part from the moment they enrol."""

    def ended(self, request) -> None:
        program = _program(request.params)
        for participant in Participant.objects.filter(
            program=program, customer=request.customer, status=ParticipantStatus.ACTIVE
        ):
            ptr_participant_withdraw(
                participant=participant, reason=f"Enrollment {request.order_number} ended."
            )
