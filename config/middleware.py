import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class InterfaceLanguageMiddleware:
    """Vietnamese unless the user chose another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
    every officer whose browser is set to English. The product's language is Vietnamese; the
    switcher's cookie is the only thing that changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# When the session's expiry was last moved forward (seconds since the epoch).
SESSION_REFRESHED = "thidua_refreshed"
REFRESH_EVERY = 300


class KeepSessionAliveMiddleware:
    """A session ends SESSION_COOKIE_AGE after the last request, not after the sign-in.

    Django moves a session's expiry only when it saves the session; saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) would write the session row on every page. It is saved when
    its expiry was last moved more than five minutes ago: the idle time holds to five minutes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_REFRESHED) is not None:
            now = int(time.time())
            if now - session[SESSION_REFRESHED] > REFRESH_EVERY:
                session[SESSION_REFRESHED] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _start_keeping_alive(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_REFRESHED] = int(time.time())


class RefuseNullCharactersMiddleware:
    """A NUL character in the query string or in a form field is refused with 400.

    No field of the product accepts one (Django's form fields refuse it), and PostgreSQL can
    neither store nor compare it: a search or a filter that reached the database with one
    answered a server error. Refused here, once, for every page, before any view reads it.
    Uploaded files are not form fields and are not looked at.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_null(request.GET) or (request.method == "POST" and _has_null(request.POST)):
            return render(
                request,
                "400.html",
                {
                    "message": _(
                        "The address or the form contains a null character, which no field "
                        "accepts: remove it and try again."
                    )
                },
                status=400,
            )
        return self.get_response(request)


def _has_null(query_dict):
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in query_dict.lists()
    )
