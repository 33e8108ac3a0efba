"""The public verification page of a certificate, opened from its QR code; rate-limited."""

import time

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from commendations import scoping
from commendations.models import Commendation

VERIFY_RATE_PER_MINUTE = 30


def _over_rate(request):
    # REMOTE_ADDR: the address of whoever connects. Behind a proxy, the proxy must set it
    # from the client's (a forwarded header could be written by anyone).
    window = int(time.time() // 60)
    key = f"verify-rate:{request.META.get('REMOTE_ADDR', '')}:{window}"
    if cache.add(key, 1, timeout=90):
        return False
    try:
        return cache.incr(key) > VERIFY_RATE_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        return False


@never_cache
def verify(request, code):
    if _over_rate(request):
        response = render(request, "commendations/verify/too_many.html", status=429)
        response["Retry-After"] = "60"
        return response
    commendation = None
    if scoping.is_well_formed_code(code):
        commendation = (
            Commendation.objects.select_related("decision").filter(verification_code=code).first()
        )
    if commendation is None:
        response = render(request, "commendations/verify/not_found.html", status=404)
    else:
        response = render(
            request, "commendations/verify/verify.html", {"commendation": commendation}
        )
    # The code is the key to the page: do not hand it to other sites or to search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
