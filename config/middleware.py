from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
