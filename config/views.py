"""The error page of last resort: 503 while the database cannot be reached, 500 otherwise."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

# An outage, not a bug: PostgreSQL restarting, unreachable, or refusing connections.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """Django calls this inside the `except` of the failed request: the exception is at hand.

    The page is rendered without the request's context, which would read the session and the
    user from the very database that is down; it speaks both languages, as 500.html does."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
