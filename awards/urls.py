from django.urls import path

from awards import dashboard_views, decision_views, views

app_name = "awards"

urlpatterns = [
    path("nominations/", views.nomination_list, name="nomination_list"),
    path("nominations/review/", views.review_queue, name="review_queue"),
    path("nominations/review/bulk/", views.bulk_action, name="bulk_action"),
    path("award-kinds/", views.award_kind_list, name="award_kind_list"),
    path("members/<int:pk>/nominate/", views.nominate_member, name="nominate_member"),
    path("units/<int:pk>/nominate/", views.nominate_unit, name="nominate_unit"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/edit/", views.nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/submit/", views.nomination_submit, name="nomination_submit"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw, name="nomination_withdraw"),
    path(
        "nominations/<int:pk>/start-review/",
        views.nomination_start_review,
        name="nomination_start_review",
    ),
    path("nominations/<int:pk>/scores/", views.nomination_scores, name="nomination_scores"),
    path("nominations/<int:pk>/vote/", views.nomination_vote, name="nomination_vote"),
    path("nominations/<int:pk>/approve/", views.nomination_approve, name="nomination_approve"),
    path("nominations/<int:pk>/forward/", views.nomination_forward, name="nomination_forward"),
    path("nominations/<int:pk>/return/", views.nomination_return, name="nomination_return"),
    path("nominations/<int:pk>/reject/", views.nomination_reject, name="nomination_reject"),
    path(
        "nominations/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "nominations/<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
]

# Dashboards, the review queue export and the honour roll (awards/dashboard_views.py).

urlpatterns += [
    path(
        "nominations/review/export/",
        dashboard_views.review_queue_export,
        name="review_queue_export",
    ),
    path("dashboards/", dashboard_views.dashboard_index, name="dashboard_index"),
    path(
        "movements/<int:pk>/dashboard/",
        dashboard_views.movement_dashboard,
        name="movement_dashboard",
    ),
    path("units/<int:pk>/dashboard/", dashboard_views.unit_dashboard, name="unit_dashboard"),
]

# Decisions, certificates, the register and the public verification page (awards.decision_views).
urlpatterns += [
    path("decisions/", decision_views.decision_list, name="decision_list"),
    path("decisions/new/", decision_views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", decision_views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/edit/", decision_views.decision_edit, name="decision_edit"),
    path(
        "decisions/<int:pk>/awardees/", decision_views.decision_awardees, name="decision_awardees"
    ),
    path("decisions/<int:pk>/issue/", decision_views.decision_issue, name="decision_issue"),
    path("decisions/<int:pk>/delete/", decision_views.decision_delete, name="decision_delete"),
    path(
        "decisions/<int:pk>/progress/", decision_views.decision_progress, name="decision_progress"
    ),
    path("decisions/<int:pk>/render/", decision_views.decision_render, name="decision_render"),
    path("decisions/<int:pk>/decision.pdf", decision_views.decision_pdf, name="decision_pdf"),
    path(
        "decisions/<int:pk>/annex.xlsx",
        decision_views.decision_annex_xlsx,
        name="decision_annex_xlsx",
    ),
    path(
        "decisions/<int:pk>/print.pdf",
        decision_views.decision_print_file,
        name="decision_print_file",
    ),
    path("decisions/<int:pk>/certificates.zip", decision_views.decision_zip, name="decision_zip"),
    path(
        "decisions/<int:pk>/certificates/<int:commendation_pk>.pdf",
        decision_views.certificate_download,
        name="certificate_download",
    ),
    path(
        "decisions/<int:pk>/commendations/<int:commendation_pk>/revoke/",
        decision_views.commendation_revoke,
        name="commendation_revoke",
    ),
    path("units/<int:pk>/register/", decision_views.register, name="register"),
    path("units/<int:pk>/register.xlsx", decision_views.register_xlsx, name="register_xlsx"),
    path(
        "award-kinds/<int:pk>/certificate-template/",
        decision_views.certificate_template,
        name="certificate_template",
    ),
    path(
        "award-kinds/<int:pk>/certificate-template/preview/",
        decision_views.certificate_template_preview,
        name="certificate_template_preview",
    ),
    path("xac-minh/<str:code>/", decision_views.verify, name="verify"),
]

# The public honour roll (bảng vàng), no sign-in (awards/dashboard_views.py).
urlpatterns += [
    path("bang-vang/", dashboard_views.public_movement_list, name="honour_roll_index"),
    path("bang-vang/<int:pk>/", dashboard_views.movement_honour_roll, name="honour_roll"),
]
