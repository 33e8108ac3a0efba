"""Awards an outside authority decides: the union proposes them, then records the decision.

Law 06/2022/QH15 Art. 80(1): the head of the agency decides Lao động tiên tiến, Chiến sĩ thi
đua cơ sở, Tập thể lao động tiên tiến and its own Giấy khen; higher titles and orders are
decided by the provincial People's Committee or the State. For such an award kind
(`AwardKind.grantor` other than the union) the committee of the union unit at the kind's
granting level approves the nominations (its bình xét), and this module:

- `send_outside_proposal`: the unit's proposal (tờ trình đề nghị) of those nominations to the
  authority, numbered in the unit's register of tờ trình and dated, with its letter as a PDF
  (`render_proposal_letter`, from the submission letter's template);
- `record_outside_decision`: the authority's decision when it arrives (number, date, issuer,
  the scanned file), and which of the proposed it grants. From then on those awards count for
  prerequisites and in the member's history; the union prints nothing for them (no decision
  of its own, no certificate, no register number).

The services of the awards app (commendations.services refuses a union decision for them). Each
is atomic, checks its permission (awards.rules) and its rules under the row lock, raising
ValidationError naming the rule, and writes Activity rows at the proposing unit and at each
nominee's proposing unit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import evidence as evidence_checks
from awards import letters
from awards.models import (
    Nomination,
    NominationState,
    OutsideProposal,
    OutsideProposalState,
)
from movements.models import Grantor
from unions.services import record_activity
from unions.text import normalize_text


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def granted_q(prefix=""):
    """Nominations whose award was granted: approved by the union body that grants it, or, for
    an outside authority's award, named in that authority's recorded decision."""
    return Q(**{f"{prefix}state": NominationState.APPROVED}) & (
        Q(**{f"{prefix}award_kind__grantor": Grantor.UNION})
        | Q(**{f"{prefix}outside_grants__state": OutsideProposalState.DECIDED})
    )


def refused_q():
    """Nominations an outside authority decided on without granting them: proposed in a
    recorded decision that does not name them. The union approved them, but no award followed,
    so they do not stand in the way of another award for the same achievement."""
    through = OutsideProposal.nominations.through
    decided = through.objects.filter(
        nomination_id=OuterRef("pk"), outsideproposal__state=OutsideProposalState.DECIDED
    )
    granted = OutsideProposal.granted.through.objects.filter(nomination_id=OuterRef("pk"))
    return Q(Exists(decided)) & ~Q(Exists(granted))


def proposable(unit, award_kind=None):
    """Nominations approved by `unit`'s committee for an award an outside authority decides,
    not yet in a proposal: what `unit` may send."""
    queryset = Nomination.objects.filter(
        state=NominationState.APPROVED,
        deciding_unit=unit,
        reviewing_unit=unit,
        outside_proposals__isnull=True,
    ).exclude(award_kind__grantor=Grantor.UNION)
    if award_kind is not None:
        queryset = queryset.filter(award_kind=award_kind)
    return queryset


def render_proposal_letter(proposal):
    """Render the proposal letter's PDF and store it (again: the same name each time)."""
    from awards import dossier

    pdf = dossier.render_outside_proposal_letter(proposal)
    name = f"to-trinh-de-nghi-{proposal.pk}.pdf"
    if proposal.letter_file:
        proposal.letter_file.storage.delete(proposal.letter_file.name)
    proposal.letter_file.save(name, ContentFile(pdf, name=name), save=False)
    OutsideProposal.objects.filter(pk=proposal.pk).update(letter_file=proposal.letter_file.name)
    return proposal


def refusal(action, proposal, actor):
    """Why `actor` may not take `action` ("record_outside_decision") on the proposal now: None
    when they may. PermissionDenied for someone without the authority."""
    if not actor.has_perm(f"awards.{action}", proposal):
        raise PermissionDenied
    if action == "record_outside_decision" and proposal.is_decided:
        return ValidationError(
            _(
                "The decision %(number)s of %(issuer)s is already recorded for this proposal: "
                "a recorded decision is not changed."
            )
            % {"number": proposal.decision_number, "issuer": proposal.decision_issuer},
            code="already_recorded",
        )
    return None


def may(user, action, proposal):
    try:
        return refusal(action, proposal, user) is None
    except PermissionDenied:
        return False


def _latest_approval(nominations):
    days = [timezone.localdate(n.decided_at) for n in nominations if n.decided_at]
    return max(days) if days else None


def _activity(proposal, *, actor, action, summary, nominations):
    units = {proposal.unit_id: proposal.unit}
    for nomination in nominations:
        units.setdefault(nomination.proposing_unit_id, nomination.proposing_unit)
    data = {"nominations": sorted(n.pk for n in nominations)}
    for unit in units.values():
        record_activity(
            unit=unit, actor=actor, action=action, target=proposal, summary=summary, data=data
        )


@transaction.atomic
def send_outside_proposal(
    *,
    actor,
    unit,
    award_kind,
    authority,
    letter_date,
    nominations,
    letter_number=None,
    signer_name="",
    signer_title="",
):
    """The unit proposes the approved `nominations` of `award_kind` to `authority`, with its
    proposal letter (tờ trình đề nghị khen thưởng): numbered in the unit's register of the
    letter's year (awards.letters) and rendered as a PDF on commit, signed by `signer_name`
    (default: the actor) as `signer_title` (default: the chair). `letter_number`: a letter the
    unit already numbered by hand outside the app; it takes no number of the register."""
    if not actor.has_perm("awards.propose_outside", unit):
        raise PermissionDenied
    if award_kind.grantor == Grantor.UNION:
        raise ValidationError(
            _(
                "%(award)s is granted by the union itself: it is commended by a decision of "
                "%(unit)s, not proposed to an outside authority."
            )
            % {"award": award_kind.name, "unit": unit.name},
            code="granted_by_the_union",
        )
    authority = normalize_text(authority or "")
    if not authority or letter_date is None:
        raise ValidationError(
            _("A proposal needs the authority it goes to and its letter's date."),
            code="proposal_incomplete",
        )
    ids = {n.pk for n in nominations}
    if not ids:
        raise ValidationError(
            _("Choose at least one approved nomination to propose."), code="empty"
        )
    eligible = list(
        proposable(unit, award_kind)
        .select_for_update(of=("self",))  # the nominations' rows, not the joined ones
        .filter(pk__in=ids)
        .select_related("proposing_unit", "nominee_member", "nominee_unit")
    )
    if len(eligible) != len(ids):
        raise ValidationError(
            _(
                "Only nominations of %(award)s approved by the committee of %(unit)s and not yet "
                "proposed can be sent in this proposal."
            )
            % {"award": award_kind.name, "unit": unit.name},
            code="not_eligible",
        )
    latest = _latest_approval(eligible)
    if latest is not None and letter_date < latest:
        raise ValidationError(
            _(
                "The proposal letter cannot be dated before the committee's approval of what it "
                "proposes (%(date)s)."
            )
            % {"date": latest.strftime("%d/%m/%Y")},
            code="letter_date",
        )
    register_year = register_number = None
    letter_number = normalize_text(letter_number or "")
    if not letter_number:  # the next number of the unit's register, under its row lock
        register_year = letter_date.year
        register_number, letter_number = letters.take_letter_number(unit, register_year)
    user = _user(actor)
    proposal = OutsideProposal.objects.create(
        unit=unit,
        award_kind=award_kind,
        authority=authority,
        letter_number=letter_number,
        letter_date=letter_date,
        register_year=register_year,
        register_number=register_number,
        signer_name=normalize_text(signer_name or "")
        or (user.get_full_name() or user.get_username() if user else ""),
        signer_title=normalize_text(signer_title or "") or _("CHAIR"),
        created_by=user,
    )
    proposal.nominations.set(eligible)
    from awards.tasks import render_outside_proposal_letter as render_task

    transaction.on_commit(lambda: render_task.delay(proposal.pk))
    _activity(
        proposal,
        actor=actor,
        action="outside_proposal.sent",
        summary=_("Proposed %(award)s for %(count)s to %(authority)s (letter %(number)s)")
        % {
            "award": award_kind.name_vi,
            "count": len(eligible),
            "authority": authority,
            "number": letter_number,
        },
        nominations=eligible,
    )
    return proposal


@transaction.atomic
def record_outside_decision(proposal, *, actor, number, date, issuer, upload, granted=None):
    """The authority's decision on the proposal: it grants `granted` (by default every proposed
    nomination). The scanned decision is kept privately, checked by its content."""
    list(OutsideProposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk"))
    proposal = OutsideProposal.objects.select_related("unit", "award_kind").get(pk=proposal.pk)
    error = refusal("record_outside_decision", proposal, actor)
    if error is not None:
        raise error
    number, issuer = normalize_text(number or ""), normalize_text(issuer or "")
    if not number or not issuer or date is None or upload is None:
        raise ValidationError(
            _(
                "Record the decision with its number, its date, who issued it and the scanned "
                "decision."
            ),
            code="decision_incomplete",
        )
    if date < proposal.letter_date:
        raise ValidationError(
            _("The decision cannot be dated before the proposal it answers (%(date)s).")
            % {"date": proposal.letter_date.strftime("%d/%m/%Y")},
            code="decision_date",
        )
    content_type = evidence_checks.inspect(upload)
    proposed = list(
        proposal.nominations.select_related("proposing_unit", "nominee_member", "nominee_unit")
    )
    if granted is None:
        chosen = proposed
    else:
        wanted = {n.pk for n in granted}
        chosen = [n for n in proposed if n.pk in wanted]
        if len(chosen) != len(wanted):
            raise ValidationError(
                _("A decision can grant only what the proposal proposed."), code="not_proposed"
            )
    proposal.decision_number = number
    proposal.decision_date = date
    proposal.decision_issuer = issuer
    proposal.decision_file_type = content_type
    proposal.decision_file.save(upload.name, upload, save=False)
    proposal.state = OutsideProposalState.DECIDED
    proposal.recorded_by = _user(actor)
    proposal.recorded_at = timezone.now()
    proposal.save()
    proposal.granted.set(chosen)
    _activity(
        proposal,
        actor=actor,
        action="outside_proposal.decided",
        summary=_(
            "Recorded the decision %(number)s of %(issuer)s: %(award)s for %(count)s of "
            "%(proposed)s proposed"
        )
        % {
            "number": number,
            "issuer": issuer,
            "award": proposal.award_kind.name_vi,
            "count": len(chosen),
            "proposed": len(proposed),
        },
        nominations=proposed,
    )
    return proposal
