from django.urls import path

from unions import import_views, views

app_name = "unions"

urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/members/", views.member_list, name="member_list"),
    path("units/<int:pk>/members/add/", views.member_create, name="member_create"),
    path("units/<int:pk>/roles/", views.unit_roles, name="unit_roles"),
    path("units/<int:pk>/activity/", views.unit_activity, name="unit_activity"),
    path(
        "units/<int:pk>/activity/export/", views.unit_activity_export, name="unit_activity_export"
    ),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/move/", views.member_move, name="member_move"),
    # Member import and export (unions/import_views.py)
    path("units/<int:pk>/members/import/", import_views.member_import, name="member_import"),
    path("units/<int:pk>/members/export/", import_views.member_export, name="member_export"),
    path(
        "members/import-template/",
        import_views.member_import_template,
        name="member_import_template",
    ),
    path(
        "member-imports/<int:pk>/",
        import_views.member_import_detail,
        name="member_import_detail",
    ),
    path(
        "member-imports/<int:pk>/confirm/",
        import_views.member_import_confirm,
        name="member_import_confirm",
    ),
    path(
        "member-imports/<int:pk>/cancel/",
        import_views.member_import_cancel,
        name="member_import_cancel",
    ),
]
