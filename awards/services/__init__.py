"""Every change to a nomination goes through these functions: one per transition.

Each is atomic, locks the nomination's row (two reviewers acting at the same moment: exactly
one transition happens, the other is told it was already decided), checks its rules and raises
ValidationError with a message that names the rule (or PermissionDenied), writes a history row
(NominationTransition, the nomination's timeline) and an Activity row, and queues the
proposer's email with transaction.on_commit. Views, admin actions and the demo seed call them.

The way up: a nomination is submitted to the unit above the proposing unit, or decided by the
proposing unit's own committee when its award is granted at the proposing unit's own level
(a grassroots Giấy khen). Each committee returns, rejects, forwards it one level up, or, at the
unit of the award's granting level, approves it.

The package holds one module per part of that way, and this module names what the rest of the
project calls (`from awards import services; services.submit_nomination(...)`):

- questions: which unit grants an award, which committee reviews it first, time limits, quotas;
- checks: the rules a nomination is checked against, each refusal naming its rule;
- history: the timeline row and activity rows every transition writes;
- permissions: refusal() and may(), and the row lock a transition takes before checking again;
- proposer and files: create, edit, submit and withdraw, with the evidence an edit adds;
- committee: review, score, vote, approve, return, reject, forward, one or a selection at once;
- dossier: the proposing level's bình xét and the tờ trình sent up with the nominations;
- prior_awards, public_notice, quick: imported prior awards, công khai, quick commendations.
"""

from awards.services.checks import (
    check_general_and_thematic_for_granting_unit,
    check_one_award_at_approval,
)
from awards.services.committee import (
    approve_nomination,
    approve_nominations,
    declare_conflict,
    forward_nomination,
    forward_nominations,
    record_review_scores,
    record_revocation,
    record_vote,
    reject_nomination,
    return_nomination,
    return_nominations,
    review_average,
    sender_of,
    start_review,
)
from awards.services.dossier import (
    create_submission_letter,
    default_signer,
    record_assessment,
    render_submission_letter,
)
from awards.services.history import SUMMARIES
from awards.services.permissions import PROPOSER_STATES, allowed_actions, may, refusal
from awards.services.prior_awards import (
    PriorAwardsInvalid,
    cancel_prior_award_import,
    confirm_prior_award_import,
    create_prior_award_import,
)
from awards.services.proposer import (
    UPDATABLE,
    create_nomination,
    delete_evidence,
    submit_nomination,
    update_nomination,
    withdraw_nomination,
)
from awards.services.public_notice import (
    NOTICE_LEAD_DAYS,
    answer_objection,
    notice_candidates,
    public_notice_refusals,
    publish_notice,
    record_objection,
)
from awards.services.questions import (
    ANNUAL_ROUND_NOT_SCORED,
    criteria_for,
    first_reviewing_unit,
    granting_unit,
    next_unit_up,
    quota_before_sending,
    score_total,
    step_time_limit,
    steps_due,
)
from awards.services.quick import (
    QUICK_UPDATABLE,
    create_quick_nomination,
    quick_award_kinds,
    quick_granting_units,
    submit_quick_nomination,
    update_quick_nomination,
)

__all__ = [
    "ANNUAL_ROUND_NOT_SCORED",
    "criteria_for",
    "granting_unit",
    "first_reviewing_unit",
    "step_time_limit",
    "steps_due",
    "next_unit_up",
    "quota_before_sending",
    "score_total",
    "check_general_and_thematic_for_granting_unit",
    "check_one_award_at_approval",
    "SUMMARIES",
    "PROPOSER_STATES",
    "refusal",
    "may",
    "allowed_actions",
    "create_nomination",
    "UPDATABLE",
    "update_nomination",
    "delete_evidence",
    "submit_nomination",
    "withdraw_nomination",
    "start_review",
    "record_review_scores",
    "review_average",
    "declare_conflict",
    "record_vote",
    "approve_nomination",
    "sender_of",
    "return_nomination",
    "reject_nomination",
    "forward_nomination",
    "record_revocation",
    "approve_nominations",
    "return_nominations",
    "forward_nominations",
    "record_assessment",
    "render_submission_letter",
    "default_signer",
    "create_submission_letter",
    "PriorAwardsInvalid",
    "create_prior_award_import",
    "confirm_prior_award_import",
    "cancel_prior_award_import",
    "NOTICE_LEAD_DAYS",
    "notice_candidates",
    "publish_notice",
    "record_objection",
    "answer_objection",
    "public_notice_refusals",
    "quick_award_kinds",
    "quick_granting_units",
    "create_quick_nomination",
    "QUICK_UPDATABLE",
    "update_quick_nomination",
    "submit_quick_nomination",
]
