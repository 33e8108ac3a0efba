"""Every change to decisions, commendations and certificate templates.

Each function is atomic, keyword-only with an actor, checks its permission again under the row
lock (commendations.rules) and its rules, raising ValidationError naming the rule (or
PermissionDenied), writes an Activity row, and queues the rendering with transaction.on_commit.
The rendering itself is commendations.rendering, run by commendations.tasks.
"""

import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import services as awards_services
from awards.models import Nomination
from commendations import documents, rendering
from commendations.certificates import check_certificate_template, sample_certificate
from commendations.documents import snapshot
from commendations.models import (
    CertificateTemplate,
    CertificateTemplateVersion,
    Commendation,
    Decision,
    DecisionState,
    RegisterCounter,
    RenderState,
    TemplateOrigin,
    UnitEmblem,
)
from commendations.notifications import tell_about_issued
from commendations.scoping import approved_at
from movements.models import Round
from unions import registers, scoping
from unions.background import BROKER_ERRORS, queue_after_commit
from unions.models import Unit
from unions.services import record_activity
from unions.text import fold, normalize_text


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require(permission, actor, obj):
    if not actor.has_perm(permission, obj):
        raise PermissionDenied


def _issued_error(decision):
    return ValidationError(
        _("The decision %(number)s is issued: an issued decision is never edited.")
        % {"number": decision.number},
        code="issued",
    )


def refusal(action, decision, actor):
    """Why `actor` may not take `action` (commendations.rules.DECISION_ACTIONS) on the decision
    as it is now: None when they may. Raises PermissionDenied for someone without the authority;
    returns a ValidationError naming the rule otherwise (an issued decision is never edited; only
    an issued one has certificates to render or revoke)."""
    _require(f"commendations.{action}", actor, decision)
    if action in ("edit_decision", "issue_decision") and not decision.is_draft:
        return _issued_error(decision)
    if action in ("render_decision", "revoke_commendation") and decision.is_draft:
        return ValidationError(
            _("The decision %(number)s is a draft: it has no certificates yet.")
            % {"number": decision.number},
            code="draft",
        )
    return None


def may(user, action, decision):
    """Whether the user may take `action` on the decision now (refusal() says why not)."""
    try:
        return refusal(action, decision, user) is None
    except PermissionDenied:
        return False


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


_LEADING_NUMBER = re.compile(r"^\s*(\d{1,9})(.*)$", re.S)


def next_decision_number(unit, year):
    """The number after `unit`'s highest decision number of `year`, written the way its latest
    decision's number is (45/QĐ-CĐVC → 46/QĐ-CĐVC); "1/QĐ-" when the unit has none yet."""
    numbers = list(
        Decision.objects.filter(issuing_unit=unit)
        .order_by("-date", "-pk")
        .values_list("number", "year")
        if unit.pk
        else []
    )
    tail = "/QĐ-"
    for number, _year in numbers:
        if match := _LEADING_NUMBER.match(number):
            tail = match.group(2)
            break
    highest = max(
        (
            int(match.group(1))
            for number, number_year in numbers
            if number_year == year and (match := _LEADING_NUMBER.match(number))
        ),
        default=0,
    )
    return f"{highest + 1}{tail}"


def default_achievement(unit, award_kind=None):
    """The achievement line printed on every certificate, naming the movement and the round of
    the nominations waiting for the decision (the clerk edits it when they are mixed)."""
    if unit.pk is None:  # a stand-in without history (reports.scale_data)
        return "Đã có thành tích xuất sắc trong phong trào thi đua"
    waiting = approved_at(unit, award_kind)
    quick_line = _quick_achievement(waiting)
    if quick_line:
        return quick_line
    rounds = list(
        Round.objects.filter(pk__in=waiting.values("round"))
        .select_related("movement")
        .order_by("movement_id", "pk")[:3]
    )
    lead = "Đã có thành tích xuất sắc trong phong trào thi đua"
    movements = {r.movement_id for r in rounds}
    if len(movements) != 1:
        return f"{lead} năm {timezone.localdate().year}"
    movement = rounds[0].movement
    if len(rounds) == 1:
        name = rounds[0].name
        return f"{lead} “{movement.title_vi}”, {name[:1].lower()}{name[1:]}"
    return f"{lead} “{movement.title_vi}”"


def _quick_achievement(waiting):
    """When every nomination waiting is a quick commendation (khen thưởng đột xuất): the line
    of its deed if they share one, else the general line of a sudden achievement; "" when some
    come from a movement's round. Each quick certificate prints its own deed
    (documents.snapshot)."""
    rows = list(waiting.order_by().values_list("quick", "deed").distinct()[:2])
    if not rows or not all(quick for quick, _deed in rows):
        return ""
    if len(rows) == 1:
        return Nomination(quick=True, deed=rows[0][1]).quick_achievement_line
    return Nomination(quick=True).quick_achievement_line


def decision_defaults(unit, award_kind=None):
    """What a new decision of `unit` starts from; the clerk edits any of it. The place, the
    signer and their title are those of the unit's latest decision."""
    parent = Unit.objects.filter(path=unit.parent_path).first() if unit.parent_path else None
    today = timezone.localdate()
    latest = (
        Decision.objects.filter(issuing_unit=unit).order_by("-date", "-pk").first()
        if unit.pk
        else None
    )
    return {
        "number": next_decision_number(unit, today.year),
        "date": today,
        "place": latest.place if latest else "",
        "parent_body": parent.name if parent else "",
        "issuing_body": f"Ban Chấp hành {unit.name}",
        "authority": f"Ban Thường vụ {unit.name}",
        # The signing block matches the issuer printed above it (the Executive Committee).
        "signer_title": latest.signer_title if latest else "TM. Ban Chấp hành\nChủ tịch",
        "signer_name": latest.signer_name if latest else "",
        "legal_bases": "\n".join(
            f"Căn cứ {basis.strip().rstrip('.;')};"
            for basis in (award_kind.legal_basis if award_kind else "").split(";")
            if basis.strip()
        )
        or "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;",
        "proposal": f"Xét đề nghị của Hội đồng Thi đua – Khen thưởng {unit.name},",
        "achievement": default_achievement(unit, award_kind),
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


def _check_dated_after_approvals(decision, nominations):
    """A decision cannot be dated before the approvals it commends."""
    days = [timezone.localdate(n.decided_at) for n in nominations if n.decided_at]
    if days and decision.date < max(days):
        message = _(
            "A decision cannot be dated before the approvals it commends: the last of them "
            "was approved on %(date)s."
        ) % {"date": max(days).strftime("%d/%m/%Y")}
        raise ValidationError({"date": ValidationError(message, code="decision_date")})


def _check_nominations(decision, nominations):
    _check_dated_after_approvals(decision, nominations)
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


def _check_public_notice(decision, nominations):
    """Công khai: a nomination whose award is posted publicly first is commended only by a
    decision dated after its posting ended, issued after it too, every objection answered."""
    day = min(decision.date, timezone.localdate())
    refusals = awards_services.public_notice_refusals(nominations, day)
    if refusals:
        raise ValidationError(" ".join(refusals.values()), code="public_notice")


def _check_signer(decision):
    """The signing block matches the issuer: on behalf of the body the certificate names
    ("TM. Ban Chấp hành" over "Chủ tịch"), or a vice-chair for the chair ("KT. Chủ tịch" over
    "Phó Chủ tịch")."""
    lines = [line.strip() for line in (decision.signer_title or "").splitlines() if line.strip()]
    first = lines[0].casefold() if lines else ""
    body = (decision.issuing_body or "").casefold()
    ok = True
    if first.startswith("tm."):
        on_behalf_of = first[3:].strip()
        ok = bool(on_behalf_of) and body.startswith(on_behalf_of) and len(lines) >= 2
    elif first.startswith("kt."):
        ok = len(lines) >= 2 and lines[1].casefold().startswith("phó")
    if not ok:
        message = _(
            "The signing block must match the issuer %(issuer)s: “TM. %(body)s” over the "
            "chair's title, or “KT. Chủ tịch” over “Phó Chủ tịch”."
        ) % {"issuer": decision.issuing_body, "body": " ".join(decision.issuing_body.split()[:3])}
        raise ValidationError({"signer_title": ValidationError(message, code="signer_title")})


def _save(decision):
    decision.full_clean(exclude=["nominations", "year"])
    _check_signer(decision)
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
    _require("commendations.draft_decision", actor, issuing_unit)
    if not award_kind.is_granted_by_the_union:
        raise ValidationError(
            _(
                "%(award)s is decided by %(grantor)s, not by the union (Law 06/2022/QH15, "
                "Art. 80(1)): the union proposes it and records the decision when it arrives; "
                "it issues no decision, certificate or register number of its own for it."
            )
            % {"award": award_kind.name, "grantor": award_kind.get_grantor_display().lower()},
            code="outside_grantor",
        )
    if not award_kind.is_granted_at(issuing_unit.level):
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


def _lock_for(action, decision, actor):
    """Lock the decision, then refuse the action as `refusal` says, or return it."""
    decision = _lock(decision)
    error = refusal(action, decision, actor)
    if error is not None:
        raise error
    return decision


@transaction.atomic
def update_decision(decision, *, actor, **fields):
    decision = _lock_for("edit_decision", decision, actor)
    for name, value in _clean_header(fields).items():
        setattr(decision, name, value)
    _check_dated_after_approvals(decision, decision.nominations.all())
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
    decision = _lock_for("edit_decision", decision, actor)
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
    decision = _lock_for("edit_decision", decision, actor)
    record_activity(
        unit=decision.issuing_unit,
        actor=actor,
        action="decision.deleted",
        summary=_("Deleted the draft decision %(number)s") % {"number": decision.number},
    )
    decision.delete()


# --- Issuing ----------------------------------------------------------------------------------


def allocate_register_numbers(unit, year, count):
    """`count` consecutive register numbers of `unit` in `year`: (first, last).

    The counter row is locked until the caller's transaction ends, so that concurrent issues
    take turns: no gap, no number twice, and a rolled-back issue gives its numbers back.
    """
    return registers.take_numbers(RegisterCounter, unit=unit, year=year, count=count)


def register_numbers_foreseen(decision):
    """The register numbers issuing `decision` now would give (first, last), read without the
    lock: what the confirmation page shows. Another issue in between may move them on."""
    count = decision.nominations.count()
    last = (
        RegisterCounter.objects.filter(unit=decision.issuing_unit, year=decision.date.year)
        .values_list("last_number", flat=True)
        .first()
        or 0
    )
    return (last + 1, last + count) if count else None


@transaction.atomic
def issue_decision(decision, *, actor):
    """Issue a draft: number its awardees in the register, snapshot each certificate's text as
    a Commendation, and (on commit) queue the rendering of the certificates."""
    decision = _lock_for("issue_decision", decision, actor)
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
        .select_related("nominee_member__unit", "nominee_unit", "award_kind", "proposing_unit")
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
    _check_public_notice(decision, nominations)
    _check_number_free(decision)
    year = decision.date.year
    first, _last = allocate_register_numbers(decision.issuing_unit, year, len(nominations))
    commendations = []
    prize = decision.award_kind.prize_on(decision.date)
    for index, nomination in enumerate(nominations):
        text = snapshot(decision, nomination, prize)
        commendations.append(
            Commendation(
                decision=decision,
                nomination=nomination,
                issuing_unit=decision.issuing_unit,
                position=index + 1,
                register_year=year,
                register_sequence=first + index,
                awardee_name_folded=fold(text["awardee_name"]),
                **text,
            )
        )
    Commendation.objects.bulk_create(commendations)
    tell_about_issued(decision, commendations, actor=_user(actor))
    decision.state = DecisionState.ISSUED
    decision.issued_by = _user(actor)
    decision.issued_at = timezone.now()
    decision.render_state = RenderState.NOT_STARTED
    decision.certificate_template = template_version_for_issue(
        decision.award_kind, decision.issuing_unit
    )
    decision.save(
        update_fields=["state", "issued_by", "issued_at", "render_state", "certificate_template"]
    )
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
    """Queue the rendering on commit and stamp the decision as queued (render_updated_at).

    If the task queue cannot be reached, the stamp is taken back: the issue stays issued, the
    page shows the certificates as waiting, and the periodic sweep (queue_waiting_renders)
    queues them once the queue is back.
    """
    from commendations.tasks import render_decision

    decision_id = decision.pk
    Decision.objects.filter(pk=decision_id).update(render_updated_at=timezone.now())
    queue_after_commit(
        render_decision,
        decision_id,
        restart,
        on_broker_error=lambda error: _not_queued(decision_id),
    )


def _not_queued(decision_id):
    Decision.objects.filter(pk=decision_id, render_state__in=WAITING_STATES).update(
        render_updated_at=None
    )


logger = logging.getLogger(__name__)
WAITING_STATES = (RenderState.NOT_STARTED, RenderState.RENDERING)
SWEEP_LIMIT = 200


def waiting_for_rendering():
    """Issued decisions whose certificates wait for a worker that nobody asked: never queued
    (render_updated_at empty: the queue was down), or not moved for rendering.stale_after()
    (queued into a queue that lost it, or the worker died mid-way)."""
    stale_before = timezone.now() - rendering.stale_after()
    return Decision.objects.filter(
        state=DecisionState.ISSUED, render_state__in=WAITING_STATES
    ).filter(Q(render_updated_at__isnull=True) | Q(render_updated_at__lt=stale_before))


def queue_waiting_renders():
    """The periodic sweep, run by Celery beat every minute (commendations.tasks.
    queue_waiting_renders) and by `manage.py queue_waiting_renders`: queue the rendering of each
    decision waiting for it, stamped first so that a concurrent or the next sweep leaves it
    alone until it is stale. Rendering resumes where it stopped and renders each certificate
    once (commendations.rendering). Returns the decisions queued; while the task queue is still
    down, none (their stamps are taken back).
    """
    from commendations.tasks import render_decision

    with transaction.atomic():
        waiting = list(
            waiting_for_rendering().select_for_update(skip_locked=True).order_by("pk")[:SWEEP_LIMIT]
        )
        Decision.objects.filter(pk__in=[d.pk for d in waiting]).update(
            render_updated_at=timezone.now()
        )
    queued = []
    for decision in waiting:
        try:
            render_decision.apply_async(args=(decision.pk, False))
        except BROKER_ERRORS as error:
            logger.error("The sweep could not queue decision %s: %s", decision.pk, error)
            _not_queued(decision.pk)
        else:
            queued.append(decision)
    return queued


@transaction.atomic
def resume_rendering(decision, *, actor, restart=False, current_template=False):
    """From the page: render what is missing (or everything again), e.g. after a worker died.

    A decision prints on the template version fixed when it was issued. Only when its rendering
    failed (a certificate that does not fit its page, say) may the clerk render it again on the
    template their unit has now (`current_template`): every certificate anew, and said so in
    the activity history.
    """
    decision = _lock_for("render_decision", decision, actor)
    if current_template:
        if decision.render_state != RenderState.FAILED:
            raise ValidationError(
                _(
                    "The certificates of %(number)s print on the template they were issued "
                    "with; only a rendering that failed may be redone on the current template."
                )
                % {"number": decision.number},
                code="template_fixed",
            )
        decision.certificate_template = template_version_for_issue(
            decision.award_kind, decision.issuing_unit
        )
        restart = True
    decision.render_state = RenderState.RENDERING
    decision.render_error = ""
    decision.render_updated_at = timezone.now()
    decision.save(
        update_fields=[
            "render_state",
            "render_error",
            "render_updated_at",
            "certificate_template",
        ]
    )
    if current_template:
        summary = _(
            "Asked to render the certificates of the decision %(number)s again on version "
            "%(version)s of the certificate template"
        ) % {"number": decision.number, "version": decision.certificate_template.number}
    else:
        summary = _("Asked to render the certificates of the decision %(number)s again") % {
            "number": decision.number
        }
    record_activity(
        unit=decision.issuing_unit,
        actor=actor,
        action="decision.render_resumed",
        target=decision,
        summary=summary,
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
    error = refusal("revoke_commendation", commendation.decision, actor)
    if error is not None:
        raise error
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
    if commendation.nomination_id is not None:
        awards_services.record_revocation(
            commendation.nomination, actor=actor, number=number, reason=reason
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
# A unit's own template of an award kind, or the kind's default (unit None): each save adds an
# immutable version (commendations.models.CertificateTemplateVersion); a decision is fixed to
# the version it was issued on (issue_decision), so that re-rendering it prints the same.


def _sample_for(award_kind, unit=None):
    from django.conf import settings as django_settings

    return sample_certificate(
        award_name=award_kind.name_vi,
        verification_url=django_settings.SITE_URL + "/xac-minh/mau/",
        **({"issuing_body": unit.name} if unit is not None else {}),
    )


def check_template(source, award_kind=None, unit=None):
    """Render a template for a sample certificate and refuse, with the engine's words, what
    would not print: a syntax or render error, a source or markup past the limits, a loop past
    its budget, a certificate longer than a page, a link to anything but the certificate's own
    verification page. A template is refused when it is saved, not when a decision's
    certificates are rendered."""
    sample = _sample_for(award_kind, unit) if award_kind is not None else sample_certificate()
    return check_certificate_template(source, sample)


def template_for(award_kind, unit=None):
    """The template row of `unit` (None: the kind's default), unsaved if it has none yet: what
    the permission commendations.edit_certificate_template is asked on."""
    template = (
        CertificateTemplate.objects.select_related("award_kind", "unit")
        .filter(award_kind=award_kind, unit=unit)
        .first()
    )
    return template or CertificateTemplate(award_kind=award_kind, unit=unit)


def _template_activity_unit(template, actor):
    if template.unit is not None:
        return template.unit
    kind = template.award_kind
    if kind.movement_id is not None:
        return kind.movement.launching_unit
    held = scoping.clerk_units(actor).filter(depth=1).first()
    return held or Unit.get_first_root_node()


def _locked_template(award_kind, unit):
    """The template row, created if needed, and locked: its versions are numbered in turn."""
    try:
        with transaction.atomic():
            CertificateTemplate.objects.get_or_create(award_kind=award_kind, unit=unit)
    except IntegrityError:  # created by a concurrent save between our read and our insert
        pass
    return (
        CertificateTemplate.objects.select_for_update(of=("self",))
        .select_related("award_kind__movement", "unit")
        .get(award_kind=award_kind, unit=unit)
    )


def _add_version(template, *, source, origin, actor=None, restored_from=None):
    last = template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return CertificateTemplateVersion.objects.create(
        template=template,
        number=last + 1,
        source=source,
        origin=origin,
        restored_from=restored_from,
        created_by=_user(actor) if actor is not None else None,
    )


@transaction.atomic
def save_certificate_template(
    award_kind, *, actor, source, unit=None, origin=TemplateOrigin.EDITED, restored_from=None
):
    """Save `unit`'s own template of the award kind (without a unit: the kind's default) as a
    new version, after rendering it for a sample certificate. An empty source, or exactly the
    one it falls back to, saves an empty version: the template follows its fallback again.
    Returns the new version, or None when the source is what the template already says."""
    _require("commendations.edit_certificate_template", actor, template_for(award_kind, unit))
    if unit is not None and not award_kind.is_granted_at(unit.level):
        raise PermissionDenied
    source = (source or "").replace("\r\n", "\n")
    if source.strip():
        check_template(source, award_kind, unit)
        if source.strip() == documents.fallback_template_source(award_kind, unit).strip():
            source = ""
    template = _locked_template(award_kind, unit)
    if source == documents.own_template_source(award_kind, unit):
        return None
    version = _add_version(
        template, source=source, origin=origin, actor=actor, restored_from=restored_from
    )
    whose = (
        _("the default certificate template")
        if unit is None
        else _("the certificate template of %(unit)s") % {"unit": unit.name}
    )
    if origin == TemplateOrigin.RESTORED:
        summary = _("Restored version %(old)s of %(whose)s of %(award)s as version %(number)s")
    else:
        summary = _("Saved version %(number)s of %(whose)s of %(award)s")
    record_activity(
        unit=_template_activity_unit(template, actor),
        actor=actor,
        action="certificate_template.saved",
        target=version,
        summary=summary
        % {
            "number": version.number,
            "old": restored_from,
            "whose": whose,
            "award": award_kind.name_vi,
        },
        data={"award_kind": award_kind.pk, "unit": unit.pk if unit else None, "origin": origin},
    )
    return version


def restore_certificate_template_version(version, *, actor):
    """Save an earlier version's source again, as a new version (nothing is ever rewritten)."""
    template = version.template
    return save_certificate_template(
        template.award_kind,
        actor=actor,
        unit=template.unit,
        source=version.source,
        origin=TemplateOrigin.RESTORED,
        restored_from=version.number,
    )


def template_version_for_issue(award_kind, unit):
    """The version a decision of `unit` is fixed to when it is issued: the unit's own, else the
    kind's default, else a copy of the shipped file kept as a version of the default (one copy
    per shipped text), so that a later release's file does not change an issued decision."""
    source, version = documents.effective_template(award_kind, unit)
    if version is not None:
        return version
    template = _locked_template(award_kind, None)
    copy = template.versions.filter(origin=TemplateOrigin.BUILTIN, source=source).first()
    return copy or _add_version(template, source=source, origin=TemplateOrigin.BUILTIN)


# --- Emblems ----------------------------------------------------------------------------------

EMBLEM_MAX_BYTES = 1024 * 1024
EMBLEM_MAX_SIDE = 2000


@transaction.atomic
def set_emblem(unit, *, actor, upload):
    """The unit's emblem for its certificates: a PNG or JPEG checked by its content (never by
    its name), at most 1 MB and 2000 px a side, kept in the private storage."""
    from PIL import Image

    from awards import evidence as evidence_checks

    _require("commendations.set_emblem", actor, unit)
    if upload is None:
        raise ValidationError(_("Choose an image file."), code="emblem_missing")
    if upload.size > EMBLEM_MAX_BYTES:
        raise ValidationError(
            _("An emblem is at most 1 MB; %(name)s is larger.") % {"name": upload.name},
            code="emblem_too_large",
        )
    content_type = evidence_checks.inspect(upload)
    if content_type not in (evidence_checks.PNG, evidence_checks.JPEG):
        raise ValidationError(
            _("An emblem is a PNG or JPEG image; %(name)s is not.") % {"name": upload.name},
            code="emblem_type",
        )
    with Image.open(upload) as image:
        width, height = image.size
    upload.seek(0)
    if max(width, height) > EMBLEM_MAX_SIDE:
        raise ValidationError(
            _("An emblem is at most %(side)d pixels a side; %(name)s is %(w)d × %(h)d.")
            % {"side": EMBLEM_MAX_SIDE, "name": upload.name, "w": width, "h": height},
            code="emblem_too_large",
        )
    emblem = UnitEmblem.objects.select_for_update().filter(unit=unit).first()
    old = emblem.image.name if emblem else None
    emblem = emblem or UnitEmblem(unit=unit)
    emblem.content_type = content_type
    emblem.uploaded_by = _user(actor)
    emblem.image.save(upload.name, upload, save=False)
    emblem.save()
    if old:
        storage = emblem.image.storage
        transaction.on_commit(lambda: storage.delete(old))
    record_activity(
        unit=unit,
        actor=actor,
        action="unit.emblem_changed",
        target=emblem,
        summary=_("Changed the emblem printed on the certificates of %(unit)s")
        % {"unit": unit.name},
    )
    return emblem


@transaction.atomic
def remove_emblem(unit, *, actor):
    _require("commendations.set_emblem", actor, unit)
    emblem = UnitEmblem.objects.select_for_update().filter(unit=unit).first()
    if emblem is None:
        return
    name, storage = emblem.image.name, emblem.image.storage
    emblem.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record_activity(
        unit=unit,
        actor=actor,
        action="unit.emblem_removed",
        summary=_("Removed the emblem of %(unit)s") % {"unit": unit.name},
    )
