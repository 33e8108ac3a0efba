"""Year-end: the annual titles proposed, in one action, from the unit's classified list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards import year_end
from awards.views.refusals import error_text
from movements import scoping as movements_scoping
from movements import services as movements_services
from unions import scoping as unions_scoping


@login_required
def year_end_nominations(request, round_pk, unit_pk):
    """Who on the unit's approved list meets their title's least classification (and why the
    others do not); the unit's officers draft all their nominations at once."""
    user = request.user
    round_ = movements_scoping.get_round_or_404(user, round_pk)
    unit = unions_scoping.get_unit_or_404(user, unit_pk)
    if not round_.movement.is_annual or not movements_scoping.movement_covers(
        round_.movement, unit
    ):
        raise Http404
    may_propose = user.has_perm("awards.propose_for_unit", unit)
    refusal = movements_services.classification_refusal_for_unit(round_, unit)
    if request.method == "POST":
        if not may_propose:
            raise PermissionDenied
        try:
            created, left_out = year_end.nominate_from_classification(
                round=round_, unit=unit, actor=user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d nomination was drafted from the classification.",
                    "%(count)d nominations were drafted from the classification.",
                    len(created),
                )
                % {"count": len(created)},
            )
            if left_out:
                messages.warning(
                    request,
                    _("Left out: %(list)s.")
                    % {"list": "; ".join(f"{name} ({reason})" for name, reason in left_out)},
                )
        return redirect(request.path)
    candidates = [] if refusal else year_end.classified_candidates(round_, unit)
    return render(
        request,
        "awards/year_end_nominations.html",
        {
            "round": round_,
            "movement": round_.movement,
            "unit": unit,
            "candidates": candidates,
            "refusal": None if refusal is None else error_text(refusal),
            "may_propose": may_propose,
            "eligible": sum(1 for _line, ok, _reason in candidates if ok),
        },
    )
