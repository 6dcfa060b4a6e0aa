"""Client organisations: contracts, admins, payments, and invitations (R3, R11, R20).

Staff create an organisation with its contract and billing contact, name
its client admins and record its payments. A client admin invites people by
professional e-mail and follows, per address, only *invited* or
*registered* (R3): nothing else about a beneficiary is ever read for them,
and no endpoint or rule lets them reach a beneficiary's data.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from shared.adapters import document_store, identity, mail
from shared.adapters.document_store import Writes
from shared.domain.access import Access, ActorKind
from shared.domain.data_registry import (
    BENEFICIARY,
    CLIENT_ADMINS,
    CLIENT_INVITATIONS,
    CLIENT_PAYMENTS,
    ORGANISATIONS,
)
from shared.errors import ApiError, text
from shared.models.account import BeneficiaryProfile
from shared.models.organisations import (
    AdminOut,
    ClientAdmin,
    ClientInvitation,
    ClientPayment,
    InvitationList,
    InvitationOut,
    InvitationsRequest,
    Organisation,
    OrganisationOut,
    OrganisationRequest,
    PaymentOut,
    PaymentRequest,
)
from shared.services import mail_suppressions

NO_ORGANISATION = text("Cette organisation n'existe pas.", "No such organisation.")
NOT_AN_ADMIN = text(
    "Vous n'administrez pas cette organisation.", "You do not administer this organisation."
)


def _now() -> datetime:
    return datetime.now(UTC)


def organisation_of(org_id: str) -> Organisation:
    found = document_store.get(ORGANISATIONS.path(org_id=org_id), Organisation)
    if found is None:
        raise ApiError("not_found", NO_ORGANISATION)
    return found


def _admin_id(org_id: str, uid: str) -> str:
    return f"{org_id}_{uid}"


def invitation_id(org_id: str, email: str) -> str:
    """One invitation per organisation and address: a retried invitation finds it."""
    return f"{org_id}_{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def require_admin(access: Access, org_id: str) -> Organisation:
    """The organisation, if the caller is one of its admins now (checked on every request)."""
    member = document_store.get(
        CLIENT_ADMINS.path(member_id=_admin_id(org_id, access.subject_uid)), ClientAdmin
    )
    if member is None:
        raise ApiError("forbidden", NOT_AN_ADMIN)
    return organisation_of(org_id)


def require_staff_now(access: Access) -> None:
    """The staff role must still be on the Auth record: a revoked role stops at once (R18)."""
    if identity.current_role(access.subject_uid) != ActorKind.STAFF.value:
        raise ApiError("forbidden", text("Réservé au personnel.", "Staff only."))


def create_organisation(
    access: Access, request: OrganisationRequest
) -> tuple[OrganisationOut, int]:
    """Staff record a new client with its contract and billing contact (R11)."""
    require_staff_now(access)
    organisation = Organisation(**request.model_dump(), created_at=_now())
    org_id = document_store.add(ORGANISATIONS.collection(), organisation)
    return OrganisationOut(id=org_id, **request.model_dump()), 201


def add_admin(access: Access, org_id: str, uid: str) -> AdminOut:
    """Staff make ``uid`` an admin of ``org_id`` (its role becomes ``client_admin``)."""
    require_staff_now(access)
    organisation_of(org_id)
    if identity.current_role(uid) not in (None, ActorKind.CLIENT_ADMIN.value):
        raise ApiError(
            "conflict",
            text(
                "Ce compte a déjà un autre usage : utilisez un compte d'administrateur distinct.",
                "This account already has another use: use a separate admin account.",
            ),
        )
    path = CLIENT_ADMINS.path(member_id=_admin_id(org_id, uid))
    admin = ClientAdmin(org_id=org_id, uid=uid, added_at=_now())
    document_store.run_in_transaction(
        lambda writes: None if writes.get(path, ClientAdmin) else writes.create(path, admin)
    )
    identity.set_role(uid, ActorKind.CLIENT_ADMIN.value)
    return AdminOut(org_id=org_id, uid=uid)


def record_payment(access: Access, request: PaymentRequest, org_id: str) -> tuple[PaymentOut, int]:
    """Staff record one payment of ``org_id`` (payment data, kept 10 years, R20)."""
    require_staff_now(access)
    organisation = organisation_of(org_id)
    payment = ClientPayment(
        org_id=org_id,
        **request.model_dump(),
        recorded_at=_now(),
        contract_end=organisation.contract_end,
    )
    payment_id = document_store.add(CLIENT_PAYMENTS.collection(), payment)
    return PaymentOut(id=payment_id, **request.model_dump()), 201


def _send(invitation_id: str, organisation: Organisation, invitation: ClientInvitation) -> None:
    body = (
        f"Bonjour,\n\n{organisation.name} vous offre Sésame, qui aide à trouver et demander "
        "les aides sociales auxquelles vous avez droit. Inscrivez-vous avec cette adresse.\n\n"
        f"(English: {organisation.name} offers you Sésame; sign up with this address.)"
    )
    path = CLIENT_INVITATIONS.path(invitation_id=invitation_id)
    change: dict[str, object] = {"bounced": True}
    # An address that bounced or reported spam is never mailed again (SendGrid webhook).
    if not mail_suppressions.is_suppressed(invitation.email):
        try:
            mail.send(invitation.email, f"{organisation.name} vous offre Sésame", body)
            change = {"sent_at": _now(), "bounced": False}
        except mail.MailRefused:
            pass
    updated = invitation.model_copy(update=change)
    document_store.run_in_transaction(lambda writes: writes.set(path, updated))


def _is_registered(email: str) -> bool:
    """Whether a beneficiary profile exists for ``email``: the one fact a client learns (R3)."""
    uid = identity.uid_of_email(email)
    return uid is not None and (
        document_store.get(BENEFICIARY.path(uid=uid), BeneficiaryProfile) is not None
    )


def _out(invitation: ClientInvitation) -> InvitationOut:
    status = "registered" if _is_registered(invitation.email) else "invited"
    # A bounce reported after sending (SendGrid webhook) flags the address too.
    bounced = invitation.bounced or mail_suppressions.is_suppressed(invitation.email)
    return InvitationOut(email=invitation.email, status=status, bounced=bounced)


def invite(access: Access, request: InvitationsRequest, org_id: str) -> InvitationList:
    """Invite each address once (a retry sends nothing twice); a refused address is flagged."""
    organisation = require_admin(access, org_id)
    results = []
    for email in dict.fromkeys(request.emails):
        found_at = invitation_id(org_id, email)
        path = CLIENT_INVITATIONS.path(invitation_id=found_at)
        fresh = ClientInvitation(org_id=org_id, email=email, invited_at=_now())

        def create_once(
            writes: Writes, path: str = path, fresh: ClientInvitation = fresh
        ) -> ClientInvitation:
            existing = writes.get(path, ClientInvitation)
            if existing is not None:
                return existing
            writes.create(path, fresh)
            return fresh

        invitation = document_store.run_in_transaction(create_once)
        if invitation.sent_at is None and not invitation.bounced:
            _send(found_at, organisation, invitation)
            invitation = document_store.get(path, ClientInvitation) or invitation
        results.append(_out(invitation))
    return InvitationList(invitations=results)


def list_invitations(access: Access, org_id: str) -> InvitationList:
    """Per invited address: invited or registered, and whether the address bounced — only."""
    require_admin(access, org_id)
    found = document_store.find_by_fields(
        CLIENT_INVITATIONS.collection(), ClientInvitation, {"org_id": org_id}
    )
    ordered = sorted((invitation for _, invitation in found), key=lambda i: i.email)
    return InvitationList(invitations=[_out(invitation) for invitation in ordered])
