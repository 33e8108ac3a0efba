from django.urls import path

from commendations.views import certificate_templates, decisions, emblems, register, verification

app_name = "commendations"

urlpatterns = [
    path("decisions/", decisions.decision_list, name="decision_list"),
    path("decisions/new/", decisions.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", decisions.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/edit/", decisions.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/awardees/", decisions.decision_awardees, name="decision_awardees"),
    path("decisions/<int:pk>/issue/", decisions.decision_issue, name="decision_issue"),
    path("decisions/<int:pk>/delete/", decisions.decision_delete, name="decision_delete"),
    path("decisions/<int:pk>/progress/", decisions.decision_progress, name="decision_progress"),
    path("decisions/<int:pk>/render/", decisions.decision_render, name="decision_render"),
    path("decisions/<int:pk>/decision.pdf", decisions.decision_pdf, name="decision_pdf"),
    path(
        "decisions/<int:pk>/annex.xlsx", decisions.decision_annex_xlsx, name="decision_annex_xlsx"
    ),
    path(
        "decisions/<int:pk>/prizes.xlsx",
        decisions.decision_prizes_xlsx,
        name="decision_prizes_xlsx",
    ),
    path("decisions/<int:pk>/print.pdf", decisions.decision_print_file, name="decision_print_file"),
    path("decisions/<int:pk>/certificates.zip", decisions.decision_zip, name="decision_zip"),
    path(
        "decisions/<int:pk>/certificates/<int:commendation_pk>.pdf",
        decisions.certificate_download,
        name="certificate_download",
    ),
    path(
        "decisions/<int:pk>/commendations/<int:commendation_pk>/revoke/",
        decisions.commendation_revoke,
        name="commendation_revoke",
    ),
    path("units/<int:pk>/register/", register.register, name="register"),
    path("units/<int:pk>/emblem/", emblems.unit_emblem, name="unit_emblem"),
    path("units/<int:pk>/emblem/image/", emblems.unit_emblem_image, name="unit_emblem_image"),
    path("units/<int:pk>/register.xlsx", register.register_xlsx, name="register_xlsx"),
    path(
        "award-kinds/<int:pk>/certificate-template/",
        certificate_templates.certificate_template,
        name="certificate_template",
    ),
    path(
        "award-kinds/<int:pk>/certificate-template/preview/",
        certificate_templates.certificate_template_preview,
        name="certificate_template_preview",
    ),
    path(
        "units/<int:pk>/certificate-templates/",
        certificate_templates.unit_certificate_templates,
        name="unit_certificate_templates",
    ),
    path(
        "units/<int:unit_pk>/award-kinds/<int:pk>/certificate-template/",
        certificate_templates.unit_certificate_template,
        name="unit_certificate_template",
    ),
    path(
        "units/<int:unit_pk>/award-kinds/<int:pk>/certificate-template/preview/",
        certificate_templates.unit_certificate_template_preview,
        name="unit_certificate_template_preview",
    ),
    path(
        "certificate-template-versions/<int:pk>/",
        certificate_templates.certificate_template_version,
        name="certificate_template_version",
    ),
    path(
        "certificate-template-versions/<int:pk>/restore/",
        certificate_templates.certificate_template_version_restore,
        name="certificate_template_version_restore",
    ),
    path("xac-minh/<str:code>/", verification.verify, name="verify"),
]
