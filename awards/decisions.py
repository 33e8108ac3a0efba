"""Commendation decisions, their commendations, register numbers and certificates.

Who may see what (built on unions.scoping, like every scope):
- a decision is read by whoever reads its issuing unit (the unit's subtree readers: its own
  staff and the levels above); outside that scope it does not exist (404);
- it is drafted, edited, issued and rendered by a clerk of the issuing unit (or a superuser):
  anyone else who reads it gets 403;
- a commendation is read with its decision; its public verification page shows a few fields to
  anyone holding the code printed in the certificate's QR code.

Every change is a function below: atomic, keyword-only with an actor, checks its rules and
raises ValidationError naming the rule (or PermissionDenied), writes an Activity row, and
queues the rendering with transaction.on_commit. The rendering itself (run by awards.tasks)
is also here: chunks of certificates, each stored at a fixed name, so a re-run overwrites and
a run that died half-way resumes where it stopped.
"""

import io
import re
import zipfile

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.certificates import (
    CHUNK_SIZE,
    AnnexRow,
    CertificateData,
    DecisionData,
    default_template_name,
    default_template_source,
    merge_pdfs,
    render_chunk,
    render_decision_pdf,
)
from awards.certificates.render import _prepare
from awards.models import (
    AwardKind,
    Beneficiary,
    Commendation,
    Decision,
    DecisionState,
    Nomination,
    NominationState,
    RegisterCounter,
    RenderState,
)
from unions import scoping
from unions.models import Role, Unit
from unions.services import record_activity
from unions.text import fold, normalize_text

# A render that has not moved for this long died with its worker: the page offers to resume.
STALE_AFTER = timezone.timedelta(minutes=3)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Who may see and act ----------------------------------------------------------------------


def decisions_visible_to(user):
    if scoping.is_superuser(user):
        return Decision.objects.all()
    return Decision.objects.filter(
        scoping.units_q(scoping.role_paths(user), prefix="issuing_unit__")
    )


def get_visible_decision(user, pk):
    try:
        return (
            decisions_visible_to(user)
            .select_related("issuing_unit", "award_kind", "created_by", "issued_by")
            .get(pk=pk)
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def commendations_visible_to(user):
    if scoping.is_superuser(user):
        return Commendation.objects.all()
    return Commendation.objects.filter(
        scoping.units_q(scoping.role_paths(user), prefix="issuing_unit__")
    )


def get_visible_commendation(user, decision_pk, pk):
    try:
        return (
            commendations_visible_to(user)
            .select_related("decision")
            .get(decision_id=decision_pk, pk=pk)
        )
    except (Commendation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def clerk_unit_ids(user):
    return {held.unit_id for held in scoping.held_roles(user) if held.role == Role.CLERK}


def is_clerk_at(user, unit_id):
    return scoping.is_superuser(user) or unit_id in clerk_unit_ids(user)


def issuing_units_for(user):
    """The units where the user drafts and issues decisions."""
    if scoping.is_superuser(user):
        return Unit.objects.filter(depth__lte=3)
    return scoping.clerk_units(user)


@rules.predicate
def clerk_of_issuing_unit(user, decision):
    return is_clerk_at(user, decision.issuing_unit_id)


@rules.predicate
def is_draft(user, decision):
    return decision.state == DecisionState.DRAFT


@rules.predicate
def is_issued(user, decision):
    return decision.state == DecisionState.ISSUED


@rules.predicate
def clerk_of_granting_level(user, award_kind):
    if scoping.is_superuser(user):
        return True
    return scoping.clerk_units(user).filter(level=award_kind.granting_level).exists()


rules.add_rule("awards.edit_decision", clerk_of_issuing_unit & is_draft)
rules.add_rule("awards.issue_decision", clerk_of_issuing_unit & is_draft)
rules.add_rule("awards.render_decision", clerk_of_issuing_unit & is_issued)
rules.add_rule("awards.revoke_commendation", clerk_of_issuing_unit & is_issued)
rules.add_rule("awards.edit_certificate_template", clerk_of_granting_level)


def _require(rule, actor, obj):
    if not rules.test_rule(rule, actor, obj):
        raise PermissionDenied


# --- Questions --------------------------------------------------------------------------------


def approved_at(unit, award_kind=None):
    """Nominations approved by `unit`'s own committee and not yet commended by an issued
    decision: what a clerk of `unit` may put in a decision."""
    queryset = Nomination.objects.filter(
        state=NominationState.APPROVED,
        deciding_unit=unit,
        reviewing_unit=unit,
        commendation__isnull=True,
    )
    if award_kind is not None:
        queryset = queryset.filter(award_kind=award_kind)
    return queryset


def certificate_template_source(award_kind):
    """The kind's own template, or the shipped one its level and name call for."""
    if award_kind.certificate_template.strip():
        return award_kind.certificate_template
    name = default_template_name(
        granting_level=award_kind.granting_level, award_name=award_kind.name_vi
    )
    return default_template_source(name)


def _awardee_word(decision):
    return "tập thể" if decision.award_kind.beneficiary == Beneficiary.COLLECTIVE else "cá nhân"


def _lower_first(text):
    return text[:1].lower() + text[1:]


def decision_data(decision, commendations=None, nominations=None):
    """The decision as the renderer prints it (Vietnamese: it is an official document).

    An issued decision lists its commendations (with register numbers); a draft, its
    nominations as they are now.
    """
    if commendations is not None:
        rows = [
            AnnexRow(
                name=c.awardee_name,
                award_name=c.award_name,
                unit_name=c.unit_name,
                position=c.job_title,
                register_number=c.register_number,
            )
            for c in commendations
        ]
    else:
        rows = [
            AnnexRow(
                name=snapshot["awardee_name"],
                award_name=snapshot["award_name"],
                unit_name=snapshot["unit_name"],
                position=snapshot["job_title"],
            )
            for snapshot in (_snapshot(decision, n) for n in nominations or ())
        ]
    award, who = decision.award_kind.name_vi, _awardee_word(decision)
    return DecisionData(
        parent_body=decision.parent_body,
        issuing_body=decision.issuing_unit.name,
        number=decision.number,
        date=decision.date,
        place=decision.place,
        subject=f"Về việc tặng {award}",
        authority=decision.authority,
        legal_bases=tuple(decision.legal_basis_lines),
        proposal=decision.proposal,
        articles=(
            f"Tặng {award} cho {len(rows)} {who} (có danh sách kèm theo) "
            f"{_lower_first(decision.achievement).rstrip('.')}.",
            "Quyết định có hiệu lực kể từ ngày ký.",
            f"Văn phòng {decision.issuing_unit.name}, các đơn vị có liên quan và các {who} có "
            "tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ),
        awardees=tuple(rows),
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
        recipients=("Như Điều 3;", "Lưu: VT."),
        annex_title=f"Danh sách {who} được tặng {award}",
    )


def decision_pdf(decision):
    if decision.is_draft:
        nominations = _draft_nominations(decision)
        return render_decision_pdf(decision_data(decision, nominations=nominations))
    return render_decision_pdf(decision_data(decision, commendations=_commendations(decision)))


def _draft_nominations(decision):
    return list(
        decision.nominations.select_related(
            "nominee_member__unit", "nominee_unit", "award_kind"
        ).order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
    )


def _commendations(decision):
    return list(decision.commendations.order_by("position"))


def annex_rows(decision):
    """(headers, rows) of the annex as a spreadsheet."""
    headers = [
        _("No."),
        _("Name"),
        _("Position"),
        _("Unit"),
        _("Award"),
        _("Register number"),
    ]
    if decision.is_draft:
        items = [_snapshot(decision, n) for n in _draft_nominations(decision)]
        rows = [
            [i, s["awardee_name"], s["job_title"], s["unit_name"], s["award_name"], ""]
            for i, s in enumerate(items, start=1)
        ]
    else:
        rows = [
            [c.position, c.awardee_name, c.job_title, c.unit_name, c.award_name, c.register_number]
            for c in _commendations(decision)
        ]
    return headers, rows


def certificate_data(commendation, decision):
    return CertificateData(
        awardee_name=commendation.awardee_name,
        award_name=commendation.award_name,
        parent_body=decision.parent_body,
        issuing_body=decision.issuing_body,
        achievement=commendation.achievement,
        unit_name=commendation.unit_name,
        position=commendation.job_title,
        decision_number=decision.number,
        decision_date=decision.date,
        register_number=commendation.register_number,
        place=decision.place,
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
        verification_url=commendation.get_verification_url(),
    )


# --- Drafts -----------------------------------------------------------------------------------

HEADER_FIELDS = (
    "number",
    "date",
    "place",
    "parent_body",
    "issuing_body",
    "authority",
    "signer_title",
    "signer_name",
    "legal_bases",
    "proposal",
    "achievement",
)


def decision_defaults(unit, award_kind=None):
    """What a new decision of `unit` starts from; the clerk edits any of it."""
    parent = (
        Unit.objects.filter(path=unit.path[: -Unit.steplen]).first() if unit.depth > 1 else None
    )
    return {
        "date": timezone.localdate(),
        "parent_body": parent.name if parent else "",
        "issuing_body": f"Ban Chấp hành {unit.name}",
        "authority": f"Ban Thường vụ {unit.name}",
        "signer_title": "TM. Ban Thường vụ\nChủ tịch",
        "legal_bases": "\n".join(
            f"Căn cứ {basis.strip().rstrip('.;')};"
            for basis in (award_kind.legal_basis if award_kind else "").split(";")
            if basis.strip()
        )
        or "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;",
        "proposal": f"Xét đề nghị của Hội đồng Thi đua – Khen thưởng {unit.name},",
        "achievement": "Đã có thành tích xuất sắc trong phong trào thi đua",
    }


def _clean_header(fields):
    cleaned = {}
    for name, value in fields.items():
        if name not in HEADER_FIELDS:
            raise TypeError(f"unknown decision field {name}")
        if isinstance(value, str):
            if name in ("signer_title", "legal_bases"):
                lines = (normalize_text(line) for line in value.splitlines())
                value = "\n".join(line for line in lines if line)
            else:
                value = normalize_text(value)
        cleaned[name] = value
    return cleaned


def _check_number_free(decision):
    taken = Decision.objects.filter(
        issuing_unit=decision.issuing_unit, year=decision.date.year, number=decision.number
    ).exclude(pk=decision.pk)
    if taken.exists():
        raise ValidationError(
            {
                "number": _(
                    "%(unit)s already has a decision numbered %(number)s in %(year)s: "
                    "a decision number is used once per year."
                )
                % {
                    "unit": decision.issuing_unit.name,
                    "number": decision.number,
                    "year": decision.date.year,
                }
            },
            code="number_taken",
        )


def _check_nominations(decision, nominations):
    eligible = set(
        approved_at(decision.issuing_unit, decision.award_kind).values_list("pk", flat=True)
    )
    refused = [n for n in nominations if n.pk not in eligible]
    if refused:
        raise ValidationError(
            _(
                "Only nominations of %(award)s approved by %(unit)s and not yet in an issued "
                "decision can be commended here; not: %(names)s."
            )
            % {
                "award": decision.award_kind.name,
                "unit": decision.issuing_unit.name,
                "names": ", ".join(n.nominee_name for n in refused),
            },
            code="not_eligible",
        )


def _save(decision):
    decision.full_clean(exclude=["nominations", "year"])
    _check_number_free(decision)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:  # the same number saved by someone else a moment ago
        _check_number_free(decision)
        raise


@transaction.atomic
def create_decision(*, actor, issuing_unit, award_kind, nominations=None, **fields):
    """A draft decision of `issuing_unit`; by default with every nomination of the award kind
    approved there and not yet commended."""
    if not is_clerk_at(actor, issuing_unit.pk):
        raise PermissionDenied
    if award_kind.granting_level != issuing_unit.level:
        raise ValidationError(
            _("%(award)s is granted at the level: %(level)s; %(unit)s cannot grant it.")
            % {
                "award": award_kind.name,
                "level": award_kind.get_granting_level_display().lower(),
                "unit": issuing_unit.name,
            },
            code="wrong_level",
        )
    decision = Decision(
        issuing_unit=issuing_unit,
        award_kind=award_kind,
        created_by=_user(actor),
        **_clean_header({**decision_defaults(issuing_unit, award_kind), **fields}),
    )
    if nominations is None:
        nominations = list(approved_at(issuing_unit, award_kind))
    _check_nominations(decision, nominations)
    _save(decision)
    decision.nominations.set(nominations)
    record_activity(
        unit=issuing_unit,
        actor=actor,
        action="decision.drafted",
        target=decision,
        summary=_("Drafted the decision %(number)s (%(award)s, %(count)s awardees)")
        % {"number": decision.number, "award": award_kind.name_vi, "count": len(nominations)},
    )
    return decision


def _lock(decision):
    list(Decision.objects.select_for_update().filter(pk=decision.pk).values_list("pk"))
    return Decision.objects.select_related("issuing_unit", "award_kind").get(pk=decision.pk)


def _lock_draft(decision, actor):
    decision = _lock(decision)
    if not clerk_of_issuing_unit(actor, decision):
        raise PermissionDenied
    if not decision.is_draft:
        raise ValidationError(
            _("The decision %(number)s is issued: an issued decision is never edited.")
            % {"number": decision.number},
            code="issued",
        )
    return decision


@transaction.atomic
def update_decision(decision, *, actor, **fields):
    decision = _lock_draft(decision, actor)
    for name, value in _clean_header(fields).items():
        setattr(decision, name, value)
    _save(decision)
    record_activity(
        unit=decision.issuing_unit,
        actor=actor,
        action="decision.edited",
        target=decision,
        summary=_("Edited the draft decision %(number)s") % {"number": decision.number},
    )
    return decision


@transaction.atomic
def set_awardees(decision, *, actor, nominations):
    """The draft's awardees become exactly `nominations` (the clerk removes or adds back)."""
    decision = _lock_draft(decision, actor)
    nominations = list(nominations)
    _check_nominations(decision, nominations)
    before = set(decision.nominations.values_list("pk", flat=True))
    decision.nominations.set(nominations)
    after = {n.pk for n in nominations}
    if before != after:
        record_activity(
            unit=decision.issuing_unit,
            actor=actor,
            action="decision.awardees_changed",
            target=decision,
            summary=_("Changed the awardees of the draft decision %(number)s: %(count)s now")
            % {"number": decision.number, "count": len(after)},
            data={"removed": sorted(before - after), "added": sorted(after - before)},
        )
    return decision


@transaction.atomic
def delete_draft(decision, *, actor):
    decision = _lock_draft(decision, actor)
    record_activity(
        unit=decision.issuing_unit,
        actor=actor,
        action="decision.deleted",
        summary=_("Deleted the draft decision %(number)s") % {"number": decision.number},
    )
    decision.delete()


# --- Issuing ----------------------------------------------------------------------------------


def _snapshot(decision, nomination):
    """What the certificate of `nomination` says, as of now."""
    if nomination.nominee_member_id:
        member = nomination.nominee_member
        name, unit_name, job_title = member.full_name, member.unit.name, member.position
    else:
        name, unit_name, job_title = nomination.nominee_unit.name, "", ""
    return {
        "awardee_name": name,
        "unit_name": unit_name,
        "job_title": job_title or "",
        "achievement": decision.achievement,
        "award_name": decision.award_kind.name_vi,
    }


def allocate_register_numbers(unit, year, count):
    """`count` consecutive register numbers of `unit` in `year`: (first, last).

    The counter row is locked until the caller's transaction ends, so that concurrent issues
    take turns: no gap, no number twice, and a rolled-back issue gives its numbers back.
    """
    try:
        with transaction.atomic():
            RegisterCounter.objects.get_or_create(unit=unit, year=year)
    except IntegrityError:  # created by a concurrent issue between our read and our insert
        pass
    counter = RegisterCounter.objects.select_for_update().get(unit=unit, year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return first, counter.last_number


@transaction.atomic
def issue_decision(decision, *, actor):
    """Issue a draft: number its awardees in the register, snapshot each certificate's text as
    a Commendation, and (on commit) queue the rendering of the certificates."""
    decision = _lock_draft(decision, actor)
    nominations = list(
        Nomination.objects.select_for_update()
        .filter(pk__in=decision.nominations.values("pk"))
        .order_by("pk")
    )
    if not nominations:
        raise ValidationError(
            _("A decision needs at least one awardee: add approved nominations before issuing."),
            code="empty",
        )
    nominations = list(
        Nomination.objects.filter(pk__in=[n.pk for n in nominations])
        .select_related("nominee_member__unit", "nominee_unit", "award_kind")
        .order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
    )
    already = Commendation.objects.filter(nomination__in=nominations).select_related("decision")
    if already:
        raise ValidationError(
            _("One achievement, one award: already commended by another decision: %(list)s.")
            % {"list": ", ".join(f"{c.awardee_name} ({c.decision.number})" for c in already)},
            code="already_commended",
        )
    _check_nominations(decision, nominations)
    _check_number_free(decision)
    year = decision.date.year
    first, _last = allocate_register_numbers(decision.issuing_unit, year, len(nominations))
    commendations = []
    for index, nomination in enumerate(nominations):
        snapshot = _snapshot(decision, nomination)
        commendations.append(
            Commendation(
                decision=decision,
                nomination=nomination,
                issuing_unit=decision.issuing_unit,
                position=index + 1,
                register_year=year,
                register_sequence=first + index,
                awardee_name_folded=fold(snapshot["awardee_name"]),
                **snapshot,
            )
        )
    Commendation.objects.bulk_create(commendations)
    decision.state = DecisionState.ISSUED
    decision.issued_by = _user(actor)
    decision.issued_at = timezone.now()
    decision.render_state = RenderState.NOT_STARTED
    decision.save(update_fields=["state", "issued_by", "issued_at", "render_state"])
    summary = _("Issued the decision %(number)s: %(award)s for %(count)s awardees") % {
        "number": decision.number,
        "award": decision.award_kind.name_vi,
        "count": len(commendations),
    }
    units = {decision.issuing_unit.pk: decision.issuing_unit}
    for nomination in nominations:
        units.setdefault(nomination.proposing_unit_id, nomination.proposing_unit)
    for unit in units.values():
        record_activity(
            unit=unit, actor=actor, action="decision.issued", target=decision, summary=summary
        )
    queue_rendering(decision)
    return decision


def queue_rendering(decision, *, restart=False):
    from awards.tasks import render_decision

    decision_id = decision.pk
    transaction.on_commit(lambda: render_decision.delay(decision_id, restart))


@transaction.atomic
def resume_rendering(decision, *, actor, restart=False):
    """From the page: render what is missing (or everything again), e.g. after a worker died."""
    decision = _lock(decision)
    _require("awards.render_decision", actor, decision)
    decision.render_state = RenderState.RENDERING
    decision.render_error = ""
    decision.render_updated_at = timezone.now()
    decision.save(update_fields=["render_state", "render_error", "render_updated_at"])
    record_activity(
        unit=decision.issuing_unit,
        actor=actor,
        action="decision.render_resumed",
        target=decision,
        summary=_("Asked to render the certificates of the decision %(number)s again")
        % {"number": decision.number},
    )
    queue_rendering(decision, restart=restart)
    return decision


@transaction.atomic
def revoke_commendation(commendation, *, actor, number, date, reason):
    """Revoke a commendation by a later decision, keeping the reason; the register number is
    not reused and the verification page says the certificate was revoked."""
    reason, number = (reason or "").strip(), normalize_text(number or "")
    commendation = (
        Commendation.objects.select_for_update()
        .select_related("decision__issuing_unit", "decision__award_kind")
        .get(pk=commendation.pk)
    )
    _require("awards.revoke_commendation", actor, commendation.decision)
    if commendation.is_revoked:
        raise ValidationError(
            _("This commendation was already revoked by the decision %(number)s.")
            % {"number": commendation.revocation_number},
            code="already_revoked",
        )
    if not reason or not number or date is None:
        raise ValidationError(
            _("A revocation needs the number and date of the revoking decision and the reason."),
            code="revocation_incomplete",
        )
    if date < commendation.decision.date:
        raise ValidationError(
            _("The revoking decision cannot be dated before the decision it revokes (%(date)s).")
            % {"date": commendation.decision.date.strftime("%d/%m/%Y")},
            code="revocation_date",
        )
    commendation.revoked_at = timezone.now()
    commendation.revoked_by = _user(actor)
    commendation.revocation_number = number
    commendation.revocation_date = date
    commendation.revocation_reason = reason
    commendation.save(
        update_fields=[
            "revoked_at",
            "revoked_by",
            "revocation_number",
            "revocation_date",
            "revocation_reason",
        ]
    )
    record_activity(
        unit=commendation.issuing_unit,
        actor=actor,
        action="commendation.revoked",
        target=commendation,
        summary=_("Revoked the commendation %(register)s of %(name)s by the decision %(number)s")
        % {
            "register": commendation.register_number,
            "name": commendation.awardee_name,
            "number": number,
        },
        data={"reason": reason},
    )
    return commendation


# --- Certificate templates --------------------------------------------------------------------


def check_template(source):
    """Compile a template source; raises ValidationError with the engine's message."""
    _prepare(source)


@transaction.atomic
def update_certificate_template(award_kind, *, actor, source):
    award_kind = AwardKind.objects.select_for_update().get(pk=award_kind.pk)
    _require("awards.edit_certificate_template", actor, award_kind)
    source = (source or "").replace("\r\n", "\n")
    if source.strip():
        check_template(source)
        if source.strip() == certificate_template_source_default(award_kind).strip():
            source = ""  # the default as shipped: keep following it
    award_kind.certificate_template = source if source.strip() else ""
    award_kind.save(update_fields=["certificate_template"])
    for unit in scoping.clerk_units(actor).filter(level=award_kind.granting_level)[:1]:
        record_activity(
            unit=unit,
            actor=actor,
            action="award_kind.template_changed",
            target=award_kind,
            summary=_("Changed the certificate template of %(award)s")
            % {"award": award_kind.name_vi},
        )
    return award_kind


def certificate_template_source_default(award_kind):
    return default_template_source(
        default_template_name(
            granting_level=award_kind.granting_level, award_name=award_kind.name_vi
        )
    )


# --- Rendering (run by awards.tasks) -----------------------------------------------------------

PRINT_FILE = "decisions/{id}/print.pdf"
ZIP_FILE = "decisions/{id}/certificates.zip"
CHUNK_FILE = "decisions/{id}/chunks/{index:04d}.pdf"


def _store(name, data):
    """Write `data` at exactly `name`, replacing what a previous run left there."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a concurrent run wrote it between our delete and our save
        default_storage.delete(saved)


def begin_rendering(decision_id, *, restart=False):
    """Mark the decision as rendering; with `restart`, every certificate is rendered anew.
    Returns False when there is nothing to render (no such issued decision)."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(pk=decision_id).first()
        if decision is None or decision.is_draft:
            return False
        if restart:
            decision.commendations.update(rendered_at=None)
        decision.render_state = RenderState.RENDERING
        decision.render_error = ""
        decision.rendered_count = decision.commendations.filter(rendered_at__isnull=False).count()
        decision.render_updated_at = timezone.now()
        decision.save(
            update_fields=["render_state", "render_error", "rendered_count", "render_updated_at"]
        )
    return True


def render_decision_chunk(decision_id, index):
    """Render the `index`-th chunk of a decision's certificates, unless it is already done.

    Returns False past the last chunk. Each certificate is stored at its own fixed name, the
    chunk's document at the chunk's name (the print file is merged from them).
    """
    decision = Decision.objects.select_related("issuing_unit", "award_kind").get(pk=decision_id)
    chunk_size = CHUNK_SIZE
    commendations = list(
        decision.commendations.order_by("position")[index * chunk_size : (index + 1) * chunk_size]
    )
    if not commendations:
        return False
    chunk_name = CHUNK_FILE.format(id=decision_id, index=index)
    done = all(c.rendered_at for c in commendations) and default_storage.exists(chunk_name)
    if not done:
        source = certificate_template_source(decision.award_kind)
        rendered = render_chunk(source, [certificate_data(c, decision) for c in commendations])
        for commendation, pdf in zip(commendations, rendered.split(), strict=True):
            _store(commendation.file_name, pdf)
        _store(chunk_name, rendered.pdf)
        now = timezone.now()
        Commendation.objects.filter(pk__in=[c.pk for c in commendations]).update(rendered_at=now)
    Decision.objects.filter(pk=decision_id).update(
        rendered_count=Commendation.objects.filter(
            decision_id=decision_id, rendered_at__isnull=False
        ).count(),
        render_updated_at=timezone.now(),
    )
    return True


def finish_rendering(decision_id):
    """Merge the chunks into the print file, zip the certificates, mark the decision done."""
    with transaction.atomic():
        # The lock makes a duplicate delivery of this task wait instead of racing on the files.
        decision = Decision.objects.select_for_update().get(pk=decision_id)
        commendations = list(decision.commendations.order_by("position"))
        missing = [c for c in commendations if c.rendered_at is None]
        if missing:
            raise ValidationError(
                _("%(count)s certificates are not rendered yet.") % {"count": len(missing)},
                code="incomplete",
            )
        chunk_count = (len(commendations) + CHUNK_SIZE - 1) // CHUNK_SIZE
        handles = [
            default_storage.open(CHUNK_FILE.format(id=decision_id, index=index), "rb")
            for index in range(chunk_count)
        ]
        try:
            buffer = io.BytesIO()
            merge_pdfs(handles, buffer)
        finally:
            for handle in handles:
                handle.close()
        _store(PRINT_FILE.format(id=decision_id), buffer.getvalue())
        archive = io.BytesIO()
        # PDFs are compressed already: stored, not deflated again.
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
            for commendation in commendations:
                with default_storage.open(commendation.file_name, "rb") as handle:
                    zipped.writestr(certificate_download_name(commendation), handle.read())
        _store(ZIP_FILE.format(id=decision_id), archive.getvalue())
        decision.render_state = RenderState.DONE
        decision.rendered_count = len(commendations)
        decision.render_error = ""
        decision.render_updated_at = timezone.now()
        decision.save(
            update_fields=["render_state", "rendered_count", "render_error", "render_updated_at"]
        )


def fail_rendering(decision_id, message):
    Decision.objects.filter(pk=decision_id).update(
        render_state=RenderState.FAILED,
        render_error=str(message)[:2000],
        render_updated_at=timezone.now(),
    )


def certificate_download_name(commendation):
    name = "-".join(fold(commendation.awardee_name).split()) or "chung-nhan"
    return f"{commendation.register_sequence:04d}-{commendation.register_year}-{name}.pdf"


_CODE = re.compile(r"[A-Za-z0-9_-]{32}")


def is_well_formed_code(code):
    """A verification code is 32 URL-safe characters (secrets.token_urlsafe(24))."""
    return bool(_CODE.fullmatch(code or ""))


def render_is_stale(decision):
    return (
        decision.render_state == RenderState.RENDERING
        and decision.render_updated_at is not None
        and timezone.now() - decision.render_updated_at > STALE_AFTER
    )
