"""Every change to decisions, commendations and certificate templates.

Each function is atomic, keyword-only with an actor, checks its permission again under the row
lock (commendations.rules) and its rules, raising ValidationError naming the rule (or
PermissionDenied), writes an Activity row, and queues the rendering with transaction.on_commit.
The rendering itself is commendations.rendering, run by commendations.tasks.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Nomination
from commendations.certificates import sample_certificate
from commendations.certificates.render import certificates_html
from commendations.documents import certificate_template_source_default, snapshot
from commendations.models import (
    CertificateTemplate,
    Commendation,
    Decision,
    DecisionState,
    RegisterCounter,
    RenderState,
    UnitEmblem,
)
from commendations.scoping import approved_at
from movements.models import AwardKind
from unions import scoping
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


def decision_defaults(unit, award_kind=None):
    """What a new decision of `unit` starts from; the clerk edits any of it."""
    parent = Unit.objects.filter(path=unit.parent_path).first() if unit.parent_path else None
    return {
        "date": timezone.localdate(),
        "parent_body": parent.name if parent else "",
        "issuing_body": f"Ban Chấp hành {unit.name}",
        "authority": f"Ban Thường vụ {unit.name}",
        # The signing block matches the issuer printed above it (the Executive Committee).
        "signer_title": "TM. Ban Chấp hành\nChủ tịch",
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
    from commendations.tasks import render_decision

    decision_id = decision.pk
    transaction.on_commit(lambda: render_decision.delay(decision_id, restart))


@transaction.atomic
def resume_rendering(decision, *, actor, restart=False):
    """From the page: render what is missing (or everything again), e.g. after a worker died."""
    decision = _lock_for("render_decision", decision, actor)
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
    """Compile a template source and lay out its markup for a sample certificate (no PDF);
    raises ValidationError with the engine's message. A template that cannot print is refused
    when it is saved, not when a decision's certificates are rendered."""
    certificates_html(source, [sample_certificate()])


@transaction.atomic
def update_certificate_template(award_kind, *, actor, source):
    """Save the award kind's certificate template; the default as shipped (or nothing) removes
    the kind's own, so that it keeps following the shipped one."""
    award_kind = AwardKind.objects.select_for_update().get(pk=award_kind.pk)
    _require("commendations.edit_certificate_template", actor, award_kind)
    source = (source or "").replace("\r\n", "\n")
    if source.strip():
        check_template(source)
        if source.strip() == certificate_template_source_default(award_kind).strip():
            source = ""
    if source.strip():
        CertificateTemplate.objects.update_or_create(
            award_kind=award_kind, defaults={"source": source}
        )
    else:
        CertificateTemplate.objects.filter(award_kind=award_kind).delete()
    for unit in scoping.clerk_units(actor).filter(level__in=award_kind.granting_levels)[:1]:
        record_activity(
            unit=unit,
            actor=actor,
            action="award_kind.template_changed",
            target=award_kind,
            summary=_("Changed the certificate template of %(award)s")
            % {"award": award_kind.name_vi},
        )
    return award_kind


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
