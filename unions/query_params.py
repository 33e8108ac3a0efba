"""The query parameters of the lists: a page number, a filter's choice.

The lists' own links write them; any other value (a word for a number, a state that does not
exist, an over-long number) asks for no page of the list and is answered 404, as Django's
ListView answers a page that does not exist, the same way on every page.
"""

import re

from django.core.paginator import Paginator
from django.http import Http404

_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


class _KnownCountPaginator(Paginator):
    """A paginator told the list's length (kept elsewhere, e.g. cached) instead of counting."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills Paginator.count, a cached_property


def page_or_404(request, object_list, per_page, name="page", count=None):
    """The page of `object_list` that ?<name>= asks for.

    No number: the first page. A number past the end: the last page (the list shrank since its
    link was written). Anything else: 404. `count`: the list's length when the caller knows it
    (no COUNT query).
    """
    number = request.GET.get(name)
    if number and not _PAGE_NUMBER.fullmatch(number):
        raise Http404
    if count is not None:
        return _KnownCountPaginator(object_list, per_page, count=count).get_page(number)
    return Paginator(object_list, per_page).get_page(number)


def choice_or_404(params, name, choices):
    """The value of the filter `name` in `params` (a QueryDict): one of `choices`, or "" when
    it is absent or empty; 404 for any other value."""
    value = params.get(name) or ""
    if value and value not in choices:
        raise Http404
    return value
