"""The tờ trình (submission letter) a level sends with the nominations it forwards, as a PDF.

Rendered with WeasyPrint from templates/awards/pdf/submission_letter.html and the committed
fonts of static/fonts/ (Vietnamese needs them), in the forwarding transaction: the letter
exists exactly when the nominations went up with it.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from awards import quotas

FONTS = (
    ("Noto Serif", "NotoSerif-Regular.ttf", "normal", "normal"),
    ("Noto Serif", "NotoSerif-Bold.ttf", "bold", "normal"),
    ("Noto Serif", "NotoSerif-Italic.ttf", "normal", "italic"),
    ("DejaVu Sans", "DejaVuSans.ttf", "normal", "normal"),
)


def _font_css():
    folder = Path(settings.BASE_DIR) / "static" / "fonts"
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; src: url("{(folder / file).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for family, file, weight, style in FONTS
    )


def letter_rows(letter):
    """One row per nomination: nominee, unit, award, the forwarding committee's score and its
    vote (or the proposing unit's bình xét)."""
    from awards.services import review_average

    rows = []
    nominations = letter.nominations.select_related(
        "award_kind", "nominee_member__unit", "nominee_unit", "proposing_unit", "round__movement"
    ).order_by("award_kind__code", "pk")
    for number, nomination in enumerate(nominations, start=1):
        vote = (
            nomination.votes.filter(unit=letter.from_unit)
            .order_by("-meeting_date", "-recorded_at", "-pk")
            .first()
        )
        ballot = (
            nomination.assessment_ballots.select_related("assessment")
            .order_by("-assessment__meeting_date", "-pk")
            .first()
        )
        score = review_average(nomination, letter.from_unit)
        rows.append(
            {
                "number": number,
                "nomination": nomination,
                "unit": nomination.nominee_unit.name
                if nomination.is_collective
                else nomination.nominee_member.unit.name,
                "score": score if score is not None else nomination.self_score_total,
                "vote": f"{vote.votes_for}/{vote.present}" if vote else None,
                "ballot": f"{ballot.votes_for}/{ballot.assessment.members_present}"
                if ballot
                else None,
            }
        )
    return rows


def letter_quotas(letter, rows):
    """Per award kind and theme: the forwarding unit's use of the receiving body's caps."""
    seen, result = set(), []
    for row in rows:
        nomination = row["nomination"]
        key = (nomination.award_kind_id, nomination.round.movement_id, nomination.round.year)
        if key in seen or nomination.deciding_unit_id != letter.to_unit_id:
            continue
        seen.add(key)
        if not quotas.has_caps(nomination.award_kind):
            continue
        mine, total = quotas.usage(
            award_kind=nomination.award_kind,
            granting_unit=letter.to_unit,
            sender=letter.from_unit,
            round_=nomination.round,
        )
        result.append({"award": nomination.award_kind, "round": nomination.round, "mine": mine,
                       "total": total})  # fmt: skip
    return result


def _render_letter(context):
    """The tờ trình template as a PDF, in the interface's language of record."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("awards/pdf/submission_letter.html", {**context,
                                "font_css": _font_css()})  # fmt: skip
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    finally:
        progress.setLevel(level)


def render_submission_letter(letter):
    rows = letter_rows(letter)
    return _render_letter(
        {
            "from_unit": letter.from_unit,
            "number": letter.display_number,
            "to_name": letter.to_unit.name,
            "rows": rows,
            "quotas": letter_quotas(letter, rows),
            "today": timezone.localdate(letter.created_at),
            "signer_name": letter.signer_name,
            "signer_title": letter.signer_title,
        }
    )


def outside_proposal_rows(proposal):
    """One row per proposed nomination: nominee, unit, award, achievement, the proposing
    committee's score and vote, the bình xét."""
    rows = []
    nominations = proposal.nominations.select_related(
        "award_kind", "nominee_member__unit", "nominee_unit", "round__movement"
    ).order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
    for number, nomination in enumerate(nominations, start=1):
        vote = (
            nomination.votes.filter(unit=proposal.unit_id)
            .order_by("-meeting_date", "-recorded_at", "-pk")
            .first()
        )
        ballot = (
            nomination.assessment_ballots.select_related("assessment")
            .order_by("-assessment__meeting_date", "-pk")
            .first()
        )
        rows.append(
            {
                "number": number,
                "nomination": nomination,
                "unit": nomination.nominee_unit.name
                if nomination.is_collective
                else nomination.nominee_member.unit.agency_name,
                "score": nomination.review_score
                if nomination.review_score is not None
                else nomination.self_score_total,
                "vote": f"{vote.votes_for}/{vote.present}" if vote else None,
                "ballot": f"{ballot.votes_for}/{ballot.assessment.members_present}"
                if ballot
                else None,
            }
        )
    return rows


def render_outside_proposal_letter(proposal):
    """The union's proposal letter (tờ trình đề nghị khen thưởng) to the outside authority."""
    return _render_letter(
        {
            "from_unit": proposal.unit,
            "number": proposal.letter_number,
            "to_name": proposal.authority,
            "basis": proposal.award_kind.legal_basis,
            "rows": outside_proposal_rows(proposal),
            "with_achievements": True,
            "today": proposal.letter_date,
            "signer_name": proposal.signer_name,
            "signer_title": proposal.signer_title,
        }
    )
