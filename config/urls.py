from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from unions import views as unions_views

# One way in: the admin's own login form would skip two-factor authentication and the login
# rate limits, so /admin/login/ sends everyone to the site's (allauth's) login.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", unions_views.home, name="home"),
    path("", include("unions.urls")),
    path("", include("notifications.urls")),
    path("", include("movements.urls")),
    path("", include("awards.urls")),
    path("", include("commendations.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Thi Đua"
admin.site.site_title = "Thi Đua"

if settings.DEBUG:
    # Debug only: production serves static files through WhiteNoise from STATIC_ROOT.
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

handler500 = "config.views.server_error"
