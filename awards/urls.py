from django.urls import path

from awards.views import dossier, nominations, notices, outside, quick, review, year_end

app_name = "awards"

urlpatterns = [
    path("nominations/", nominations.nomination_list, name="nomination_list"),
    path("nominations/review/", review.review_queue, name="review_queue"),
    path("nominations/review/units/", review.review_queue_units, name="review_queue_units"),
    path("nominations/review/bulk/", review.bulk_action, name="bulk_action"),
    path("nominations/review/export/", review.review_queue_export, name="review_queue_export"),
    path("nominate/", nominations.nominate_pick, name="nominate_pick"),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/year-end-nominations/",
        year_end.year_end_nominations,
        name="round_year_end_nominations",
    ),
    path("nominate/members.json", nominations.nominee_search, name="nominee_search"),
    path("members/<int:pk>/nominate/", nominations.nominate_member, name="nominate_member"),
    path("units/<int:pk>/nominate/", nominations.nominate_unit, name="nominate_unit"),
    # Quick commendations (khen thưởng đột xuất), outside any round.
    path("quick/", quick.quick_pick, name="quick_pick"),
    path("members/<int:pk>/quick/", quick.quick_member, name="quick_member"),
    path("units/<int:pk>/quick/", quick.quick_unit, name="quick_unit"),
    path("nominations/<int:pk>/", nominations.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/edit/", nominations.nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/submit/", nominations.nomination_submit, name="nomination_submit"),
    path("nominations/<int:pk>/withdraw/", review.nomination_withdraw, name="nomination_withdraw"),
    path(
        "nominations/<int:pk>/start-review/",
        review.nomination_start_review,
        name="nomination_start_review",
    ),
    path("nominations/<int:pk>/scores/", review.nomination_scores, name="nomination_scores"),
    path("nominations/<int:pk>/vote/", review.nomination_vote, name="nomination_vote"),
    path(
        "nominations/<int:pk>/conflict/",
        review.nomination_conflict,
        name="nomination_conflict",
    ),
    path("nominations/<int:pk>/approve/", review.nomination_approve, name="nomination_approve"),
    path("nominations/<int:pk>/forward/", review.nomination_forward, name="nomination_forward"),
    path("nominations/<int:pk>/return/", review.nomination_return, name="nomination_return"),
    path("nominations/<int:pk>/reject/", review.nomination_reject, name="nomination_reject"),
    # Công khai: the lists posted publicly before a decision.
    path("cong-khai/", notices.public_notice_list, name="public_notice_list"),
    path("cong-khai/<int:pk>/", notices.public_notice, name="public_notice"),
    path("nominations/notices/", notices.notice_list, name="notice_list"),
    path(
        "nominations/notices/new/<int:unit_pk>/<int:kind_pk>/",
        notices.notice_new,
        name="notice_new",
    ),
    path("nominations/notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path(
        "nominations/notices/<int:pk>/objections/",
        notices.objection_new,
        name="objection_new",
    ),
    path(
        "nominations/notices/<int:pk>/objections/<int:objection_pk>/answer/",
        notices.objection_answer,
        name="objection_answer",
    ),
    path(
        "nominations/<int:pk>/evidence/<int:evidence_pk>/",
        nominations.evidence_download,
        name="evidence_download",
    ),
    path("outside/", outside.outside_proposal_list, name="outside_proposal_list"),
    path("outside/new/", outside.outside_proposal_create, name="outside_proposal_create"),
    path("outside/<int:pk>/", outside.outside_proposal_detail, name="outside_proposal_detail"),
    path("outside/<int:pk>/decision/", outside.outside_decision_file, name="outside_decision_file"),
    path(
        "outside/<int:pk>/letter/", outside.outside_proposal_letter, name="outside_proposal_letter"
    ),
    path(
        "nominations/<int:pk>/evidence/<int:evidence_pk>/delete/",
        nominations.evidence_delete,
        name="evidence_delete",
    ),
    path("nominations/<int:pk>/assessment/", dossier.assessment_create, name="assessment_create"),
    path(
        "nominations/<int:pk>/assessments/<int:assessment_pk>/minutes/",
        dossier.assessment_minutes,
        name="assessment_minutes",
    ),
    path("letters/<int:pk>/", dossier.submission_letter, name="submission_letter"),
    path("units/<int:pk>/prior-awards/", dossier.prior_award_upload, name="prior_award_upload"),
    path("prior-awards/<int:pk>/", dossier.prior_award_import, name="prior_award_import"),
]
