"""What a decision and its certificates say: the data the renderer prints.

Vietnamese on purpose: a decision is an official document, printed in the state language
whatever the clerk's interface language.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from commendations.certificates import (
    AnnexRow,
    CertificateData,
    DecisionData,
    default_template_name,
    default_template_source,
    render_decision_pdf,
)
from commendations.models import (
    CertificateTemplateVersion,
    TemplateOrigin,
    UnitEmblem,
)
from movements.models import Beneficiary
from unions.models import Unit, UnitLevel
from unions.text import file_name_part

_UNSET = object()


def template_versions(award_kind, unit=None):
    """The versions of a unit's own template of `award_kind` (of the kind's default without a
    unit), newest first."""
    return CertificateTemplateVersion.objects.filter(
        template__award_kind=award_kind, template__unit=unit
    ).order_by("-number")


def _current(award_kind, unit):
    """The latest version of a template if it says something of its own, else None (it follows
    its fallback: an empty version, or a copy of the shipped file)."""
    version = template_versions(award_kind, unit).first()
    if version is None or version.origin == TemplateOrigin.BUILTIN or version.follows_fallback:
        return None
    return version


def own_template_source(award_kind, unit=None):
    """What `unit` (without one: the kind's default) saved for the kind; empty when it follows
    its fallback."""
    version = _current(award_kind, unit)
    return version.source if version is not None else ""


def effective_template(award_kind, unit=None):
    """(source, version) that a certificate of `award_kind` issued by `unit` prints on now: the
    unit's own template, else the kind's default, else the shipped file (version None)."""
    for layer in ((unit,) if unit is not None else ()) + (None,):
        version = _current(award_kind, layer)
        if version is not None:
            return version.source, version
    return certificate_template_source_default(award_kind), None


def certificate_template_source(award_kind, unit=None):
    """The template a certificate of the kind issued by `unit` prints on now."""
    return effective_template(award_kind, unit)[0]


def fallback_template_source(award_kind, unit=None):
    """What a unit's own template (or the default) falls back to when it is empty."""
    if unit is not None:
        return certificate_template_source(award_kind)
    return certificate_template_source_default(award_kind)


def decision_template_source(decision):
    """The template of a decision's certificates: the version fixed when it was issued (an old
    decision re-rendered prints exactly what it printed); before that, the current one."""
    if decision.certificate_template_id is not None:
        return decision.certificate_template.source
    return certificate_template_source(decision.award_kind, decision.issuing_unit)


def certificate_template_source_default(award_kind):
    return default_template_source(
        default_template_name(
            granting_level=award_kind.granting_level, award_name=award_kind.name_vi
        )
    )


def _awardee_word(decision):
    return "tập thể" if decision.award_kind.beneficiary == Beneficiary.COLLECTIVE else "cá nhân"


def _lower_first(text):
    return text[:1].lower() + text[1:]


def member_agency(member):
    """The agency a member works for, as the line under their name prints it (not the union):
    a union group's members work for the agency of the grassroots union above it."""
    unit = member.unit
    if unit.level == UnitLevel.GROUP and not unit.agency:
        parent = Unit.objects.filter(path=unit.parent_path).first()
        unit = parent or unit
    return unit.agency_name


def snapshot(decision, nomination, prize=_UNSET):
    """What the certificate of `nomination` says, as of now: the award as printed under its
    issuer (never repeating it), the member's position and agency, the prize of the decision's
    date (`prize`: already computed for the decision)."""
    if nomination.nominee_member_id:
        member = nomination.nominee_member
        name, unit_name, job_title = member.full_name, member_agency(member), member.position
    else:
        name, unit_name, job_title = nomination.nominee_unit.name, "", ""
    if prize is _UNSET:
        prize = decision.award_kind.prize_on(decision.date)
    return {
        "awardee_name": name,
        "unit_name": unit_name,
        "job_title": job_title or "",
        # A quick commendation's certificate names its own deed (khen thưởng đột xuất).
        "achievement": nomination.quick_achievement_line
        if nomination.quick
        else decision.achievement,
        "award_name": decision.award_kind.printed_title,
        "prize_amount": prize,
    }


def money(amount):
    """An amount of VND as a decision writes it: 2.340.000."""
    return f"{amount:,}".replace(",", ".")


def _award_phrase(decision):
    """The award as the decision's articles name it: the printed title and its issuer
    ("Bằng khen của Ban Chấp hành Công đoàn Viên chức Việt Nam"), or the kind's full name."""
    kind = decision.award_kind
    if kind.certificate_title:
        return f"{kind.certificate_title} của {decision.issuing_body}"
    return kind.name_vi


def decision_data(decision, commendations=None, nominations=None):
    """The decision as the renderer prints it (Vietnamese: it is an official document).

    An issued decision lists its commendations (with register numbers); a draft, its
    nominations as they are now.
    """
    if commendations is not None:
        prizes = [c.prize_amount for c in commendations]
        rows = [
            AnnexRow(
                name=c.awardee_name,
                award_name=c.award_name,
                unit_name=c.unit_name,
                position=c.job_title,
                register_number=c.register_number,
                prize=money(c.prize_amount) if c.prize_amount is not None else "",
            )
            for c in commendations
        ]
    else:
        prize = decision.award_kind.prize_on(decision.date)
        items = [snapshot(decision, n, prize) for n in nominations or ()]
        prizes = [item["prize_amount"] for item in items]
        rows = [
            AnnexRow(
                name=item["awardee_name"],
                award_name=item["award_name"],
                unit_name=item["unit_name"],
                position=item["job_title"],
                prize=money(item["prize_amount"]) if item["prize_amount"] is not None else "",
            )
            for item in items
        ]
    award, who = _award_phrase(decision), _awardee_word(decision)
    total = sum(p for p in prizes if p is not None)
    prize_sentence = ""
    if total:
        each = {p for p in prizes if p is not None}
        per = f" {money(each.pop())} đồng/{who}" if len(each) == 1 else ""
        prize_sentence = (
            f" Kèm theo tiền thưởng{per}; tổng số tiền thưởng: {money(total)} đồng "
            "(có danh sách kèm theo)."
        )
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
            f"{_lower_first(decision.achievement).rstrip('.')}.{prize_sentence}",
            "Quyết định có hiệu lực kể từ ngày ký.",
            f"Văn phòng {decision.issuing_unit.name}, các đơn vị có liên quan và các {who} có "
            "tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ),
        awardees=tuple(rows),
        signer_title=decision.signer_title,
        signer_name=decision.signer_name,
        recipients=("Như Điều 3;", "Lưu: VT."),
        annex_title=f"Danh sách {who} được tặng {award}",
        prize_total=money(total) if total else "",
    )


def decision_pdf(decision):
    if decision.is_draft:
        nominations = draft_nominations(decision)
        return render_decision_pdf(decision_data(decision, nominations=nominations))
    return render_decision_pdf(
        decision_data(decision, commendations=issued_commendations(decision))
    )


def draft_nominations(decision):
    return list(
        decision.nominations.select_related(
            "nominee_member__unit", "nominee_unit", "award_kind"
        ).order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
    )


def issued_commendations(decision):
    return list(decision.commendations.order_by("position"))


def _items(decision):
    """(position, name, job title, agency, award, prize, register number) per awardee."""
    if decision.is_draft:
        prize = decision.award_kind.prize_on(decision.date)
        items = [snapshot(decision, n, prize) for n in draft_nominations(decision)]
        return [
            (i, s["awardee_name"], s["job_title"], s["unit_name"], s["award_name"],
             s["prize_amount"], "")
            for i, s in enumerate(items, start=1)
        ]  # fmt: skip
    return [
        (c.position, c.awardee_name, c.job_title, c.unit_name, c.award_name, c.prize_amount,
         c.register_number)
        for c in issued_commendations(decision)
    ]  # fmt: skip


def annex_rows(decision):
    """(headers, rows) of the annex as a spreadsheet."""
    headers = [
        _("No."),
        _("Name"),
        _("Position"),
        _("Agency"),
        _("Award"),
        _("Prize (VND)"),
        _("Register number"),
    ]
    return headers, [list(item) for item in _items(decision)]


def prize_rows(decision):
    """(headers, rows) of the prizes for the accountant: one row per awardee, then the total;
    a signature column for the awardee's receipt."""
    headers = [
        _("No."),
        _("Name"),
        _("Position"),
        _("Agency"),
        _("Prize (VND)"),
        pgettext("receipt", "Signature"),
    ]
    rows, total = [], 0
    for position, name, job, agency, _award, prize, _register in _items(decision):
        rows.append([position, name, job, agency, prize, ""])
        total += prize or 0
    rows.append(["", _("Total"), "", "", total, ""])
    return headers, rows


def emblem_uri(unit):
    """The unit's emblem as a data: URI for its certificates ("" without one): embedded, never
    a link to the private storage."""
    import base64

    emblem = UnitEmblem.objects.filter(unit=unit).first()
    if emblem is None:
        return ""
    try:
        with emblem.image.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return ""
    return f"data:{emblem.content_type};base64,{base64.b64encode(content).decode('ascii')}"


def certificate_data(commendation, decision, emblem=None):
    """What one certificate prints; `emblem`: the issuing unit's, read once per batch."""
    if emblem is None:
        emblem = emblem_uri(decision.issuing_unit)
    return CertificateData(
        emblem=emblem,
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


def certificate_download_name(commendation):
    """The certificate's file name, in a download and in the decision's ZIP: built from safe
    parts only, whatever the awardee's name holds (a name '../../x' must not climb folders)."""
    name = file_name_part(commendation.awardee_name) or "chung-nhan"
    return f"{commendation.register_sequence:04d}-{commendation.register_year}-{name}.pdf"
