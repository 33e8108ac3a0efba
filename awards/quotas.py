"""Quotas where the rule lives.

A cap belongs to the body that grants the award. The award kind's numbers (with their source,
`AwardKind.quota_basis`) are applied by every unit that grants the kind, per theme (the round's
movement) and per year (the round's year):

- `cap_per_unit_per_round`: what each unit directly below the granting body may send up to it
  (e.g. 1689/QĐ-TLĐ Art. 15: at most 4 thematic Bằng khen proposals from each provincial
  federation or national sectoral union);
- `cap_per_round`: what the granting body takes in all (at most 300 a theme a year).

They are counted over what each unit sent up to the granting body (a history row from that unit
to it), checked when that unit sends a nomination up (submit or forward into the granting body)
and again when the granting body approves.

A share quota (Chiến sĩ thi đua cơ sở at most 15 % of Lao động tiên tiến) is counted within the
unit that holds the share: the unit that grants the award. A revoked award is not in its base.
"""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from awards.models import COUNTED_STATES, Nomination, NominationState, NominationTransition
from movements.models import QuotaBase
from unions.models import Member, MemberStatus


@dataclass
class Usage:
    """How much of a cap is used: `used` of `cap` (cap None: no cap)."""

    used: int
    cap: int | None

    @property
    def left(self):
        return None if self.cap is None else max(self.cap - self.used, 0)

    @property
    def full(self):
        return self.cap is not None and self.used >= self.cap


def _at_granting_unit(award_kind, granting_unit, round_, states):
    """Nominations of the kind that reached `granting_unit` in the round's theme and year."""
    return Nomination.objects.filter(
        award_kind=award_kind,
        deciding_unit=granting_unit,
        reviewing_unit=granting_unit,
        round__movement_id=round_.movement_id,
        round__year=round_.year,
        state__in=states,
    )


def _sent_by(queryset, sender, granting_unit):
    return queryset.filter(
        Exists(
            NominationTransition.objects.filter(
                nomination=OuterRef("pk"), at_unit=sender, to_unit=granting_unit
            )
        )
    )


def usage(*, award_kind, granting_unit, sender, round_, states=COUNTED_STATES, exclude=None):
    """(the sender's Usage, the granting body's Usage) for the kind in the round's theme and
    year. `sender` None: only the total."""
    counted = _at_granting_unit(award_kind, granting_unit, round_, states)
    if exclude is not None:
        counted = counted.exclude(pk=exclude.pk)
    total = Usage(counted.count() if award_kind.cap_per_round is not None else 0,
                  award_kind.cap_per_round)  # fmt: skip
    if sender is None or sender.pk == granting_unit.pk:
        return None, total
    mine = Usage(
        _sent_by(counted, sender, granting_unit).count()
        if award_kind.cap_per_unit_per_round is not None
        else 0,
        award_kind.cap_per_unit_per_round,
    )
    return mine, total


def has_caps(award_kind):
    return award_kind.cap_per_unit_per_round is not None or award_kind.cap_per_round is not None


def usage_before_sending(nomination, *, here, granting, next_unit):
    """What `here` has used of the granting body's caps, shown before it sends the nomination
    on to `next_unit` (None: that is not the granting body, or the kind has no cap)."""
    award_kind = nomination.award_kind
    if (
        nomination.quick
        or not has_caps(award_kind)
        or granting is None
        or here is None
        or next_unit is None
        or next_unit.pk != granting.pk
    ):
        return None
    mine, total = usage(
        award_kind=award_kind, granting_unit=granting, sender=here, round_=nomination.round
    )
    return {"granting": granting, "sender": here, "mine": mine, "total": total}


def _names(award_kind, granting_unit, round_):
    return {
        "award": award_kind.name,
        "granting": granting_unit.name,
        "movement": round_.movement.title,
        "year": round_.year,
        "basis": award_kind.quota_basis or _("the award kind's rules"),
    }


def check_sending(nomination, *, sender, granting_unit):
    """Refuse to send one more nomination from `sender` into `granting_unit` beyond its
    allocation or the granting body's total. The caller holds the award kind's row lock."""
    if nomination.quick:  # outside any round: no theme, no year of rounds to count in
        return
    award_kind = nomination.award_kind
    if not has_caps(award_kind):
        return
    mine, total = usage(
        award_kind=award_kind,
        granting_unit=granting_unit,
        sender=sender,
        round_=nomination.round,
        exclude=nomination,
    )
    _refuse_if_full(mine, total, award_kind, granting_unit, sender, nomination.round, "sent")


def check_approving(nomination):
    """At the granting body: the approved ones, this one included, stay within the caps."""
    if nomination.quick:  # outside any round: no theme, no year of rounds to count in
        return
    award_kind = nomination.award_kind
    if not has_caps(award_kind):
        return
    granting = nomination.reviewing_unit
    sender = _last_sender(nomination, granting)
    mine, total = usage(
        award_kind=award_kind,
        granting_unit=granting,
        sender=sender,
        round_=nomination.round,
        states=(NominationState.APPROVED,),
        exclude=nomination,
    )
    _refuse_if_full(mine, total, award_kind, granting, sender, nomination.round, "approved")


def _last_sender(nomination, granting_unit):
    entry = (
        nomination.transitions.filter(to_unit=granting_unit)
        .select_related("at_unit")
        .order_by("-at", "-pk")
        .first()
    )
    return entry.at_unit if entry else None


def _refuse_if_full(mine, total, award_kind, granting_unit, sender, round_, how):
    names = _names(award_kind, granting_unit, round_)
    if mine is not None and mine.full:
        message = (
            _(
                "Quota reached (%(basis)s): %(granting)s takes at most %(cap)d nomination(s) for "
                "%(award)s from each unit directly below it, per theme and year; %(unit)s has "
                "already sent %(used)d for %(movement)s in %(year)d."
            )
            if how == "sent"
            else _(
                "Quota reached (%(basis)s): %(granting)s grants at most %(cap)d %(award)s to "
                "what each unit directly below it proposes, per theme and year; %(used)d from "
                "%(unit)s are already approved for %(movement)s in %(year)d."
            )
        )
        raise ValidationError(
            message % {**names, "cap": mine.cap, "used": mine.used, "unit": sender.name},
            code="quota",
        )
    if total.full:
        message = (
            _(
                "Quota reached (%(basis)s): %(granting)s takes at most %(cap)d nominations for "
                "%(award)s a theme a year, and %(used)d have come for %(movement)s in %(year)d."
            )
            if how == "sent"
            else _(
                "Quota reached (%(basis)s): %(granting)s grants at most %(cap)d %(award)s a "
                "theme a year, and %(used)d are already approved for %(movement)s in %(year)d."
            )
        )
        raise ValidationError(
            message % {**names, "cap": total.cap, "used": total.used}, code="quota"
        )


# --- Share quotas -----------------------------------------------------------------------------


def share_usage(nomination, *, states=COUNTED_STATES):
    """(limit, used, base, base label) of the kind's share quota within the unit that holds the
    share (the granting unit); None without a share quota."""
    award_kind = nomination.award_kind
    if award_kind.quota_share is None:
        return None
    holder = nomination.deciding_unit
    if award_kind.quota_base == QuotaBase.MEMBERS:
        base = Member.objects.filter(holder.subtree_q("unit__"), status=MemberStatus.ACTIVE).count()
        base_label = _("active members")
    else:
        base = Nomination.objects.filter(
            round__year=nomination.round.year,
            award_kind_id=award_kind.quota_base_kind_id,
            deciding_unit=holder,
            state=NominationState.APPROVED,
            revoked_at__isnull=True,
        ).count()
        base_label = award_kind.quota_base_kind.name
    used = (
        Nomination.objects.filter(
            round__year=nomination.round.year,
            award_kind=award_kind,
            deciding_unit=holder,
            state__in=states,
            revoked_at__isnull=True,
        )
        .exclude(pk=nomination.pk)
        .count()
    )
    return math.floor(award_kind.quota_share * base), used, base, base_label


def check_share(nomination, *, states=COUNTED_STATES):
    if nomination.quick:  # outside any round: no theme, no year of rounds to count in
        return
    result = share_usage(nomination, states=states)
    if result is None:
        return
    limit, used, base, base_label = result
    if used >= limit:
        award_kind = nomination.award_kind
        raise ValidationError(
            _(
                "Quota reached (%(basis)s): %(award)s is limited to %(share)s %% of "
                "%(base_label)s within %(unit)s, which grants it. In %(year)d that is %(base)d, "
                "so at most %(limit)d; %(used)d already counted."
            )
            % {
                "basis": award_kind.quota_basis or _("the award kind's rules"),
                "award": award_kind.name,
                "share": f"{award_kind.quota_share * 100:g}",
                "base_label": base_label,
                "unit": nomination.deciding_unit.name,
                "year": nomination.round.year,
                "base": base,
                "limit": limit,
                "used": used,
            },
            code="quota",
        )
