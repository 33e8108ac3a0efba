"""Pages of a list too long to count: the member lists of a province or of the whole country.

A province's federation reads about 100,000 members; a search for a common name ("nguyen thi")
matches some 17,000 of them. Counting them exactly for "page 3 of 336" costs a read of every
match, more than the page itself. The list counts up to `cap` rows: below it the pages are
numbered as usual ("page 3 of 8"); past it the list says "more than 500" and pages on with
Previous and Next, fetching one row more than a page to know whether a next page exists.
"""

import re
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.http import Http404

from unions.query_params import page_or_404

# Ten pages of 50. At 1,000, PostgreSQL counted a province's "nguyen thi" with two parallel
# workers reading the unit table from its start (20-30 ms); at 500 it goes through the province's
# own units, from the path index, and stops after a few hundred of them (2 ms).
COUNT_CAP = 500
_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")  # as unions.query_params reads it


class BoundedPaginator(Paginator):
    """A Paginator whose `count` stops at `cap` + 1 (`exact` says whether it stopped)."""

    def __init__(self, object_list, per_page, *, cap=None):
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self):
        # Without its order and its joined columns: the count of any cap + 1 rows is the same,
        # and the database stops at the (cap + 1)th match instead of sorting them all.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def exact(self):
        return self.count <= self.cap

    @property
    def more_than(self):
        """The cap, when there are more rows than it (the template says "more than …")."""
        return None if self.exact else self.cap


class _OpenPage(Page):
    """A page of a list whose end is not known: it read one row past itself to know."""

    def __init__(self, object_list, number, paginator, *, has_more):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self):
        return self._has_more

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1


def bounded_page_or_404(request, object_list, per_page, *, cap=None, rows=None):
    """The page ?page= asks for, counting at most `cap` rows (two queries).

    Within the count, as `page_or_404`: a number past the end gives the last page. Past the cap,
    the page at that offset, and whether another follows; a number past the end gives an empty
    page (its Previous link leads back).

    `rows`, when given, turns a slice of `object_list` (then a queryset of ids) into the rows to
    show, in the same order, as one query: the list is walked and counted on ids alone, which an
    index can answer without reading the table, and only the page's own rows are read.
    """
    paginator = BoundedPaginator(object_list, per_page, cap=cap)
    if paginator.exact:
        page = page_or_404(request, paginator.object_list, per_page, count=paginator.count)
        if rows is not None:
            page.object_list = rows(page.object_list)
        return page
    number = _page_number(request)
    offset = (number - 1) * per_page
    found = object_list[offset : offset + per_page + 1]
    found = list(found if rows is None else rows(found))
    return _OpenPage(found[:per_page], number, paginator, has_more=len(found) > per_page)


def _page_number(request):
    number = request.GET.get("page")
    if not number:
        return 1
    if not _PAGE_NUMBER.fullmatch(number):
        raise Http404
    return max(1, int(number))
