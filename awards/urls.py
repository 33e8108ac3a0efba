from django.urls import path

from awards import views

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
