from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboards/", views.dashboard_index, name="dashboard_index"),
    path("movements/<int:pk>/dashboard/", views.movement_dashboard, name="movement_dashboard"),
    path("units/<int:pk>/dashboard/", views.unit_dashboard, name="unit_dashboard"),
    # The public honour roll (bảng vàng), no sign-in.
    path("bang-vang/", views.public_movement_list, name="honour_roll_index"),
    path("bang-vang/<int:pk>/", views.movement_honour_roll, name="honour_roll"),
    path("bang-vang/dot-xuat/", views.quick_honour_roll, name="honour_roll_quick"),
]
