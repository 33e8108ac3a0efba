from django.urls import path

from movements import views

app_name = "movements"

urlpatterns = [
    path("movements/", views.movement_list, name="movement_list"),
    path("movements/new/", views.movement_create, name="movement_create"),
    path("movements/<int:pk>/", views.movement_detail, name="movement_detail"),
    path("movements/<int:pk>/edit/", views.movement_edit, name="movement_edit"),
    path("movements/<int:pk>/launch/", views.movement_launch, name="movement_launch"),
    path("movements/<int:pk>/close/", views.movement_close, name="movement_close"),
    path("units/<int:pk>/movements/", views.unit_movements, name="unit_movements"),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/",
        views.round_unit,
        name="round_unit",
    ),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/register-members/",
        views.round_register_members,
        name="round_register_members",
    ),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/annual-registration/",
        views.round_annual_registration,
        name="round_annual_registration",
    ),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/classification/",
        views.round_classification,
        name="round_classification",
    ),
    path(
        "rounds/<int:round_pk>/units/<int:unit_pk>/children/",
        views.round_children,
        name="round_children",
    ),
    path("award-kinds/", views.award_kind_list, name="award_kind_list"),
    path("registrations/", views.registration_list, name="registration_list"),
    path(
        "registrations/approve/",
        views.registration_bulk_approve,
        name="registration_bulk_approve",
    ),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path(
        "registrations/<int:pk>/approve/",
        views.registration_approve,
        name="registration_approve",
    ),
    path("registrations/<int:pk>/return/", views.registration_return, name="registration_return"),
    path(
        "registrations/<int:pk>/resubmit/",
        views.registration_resubmit,
        name="registration_resubmit",
    ),
]
