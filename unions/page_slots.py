"""Places on the lower apps' pages that the higher apps fill with partial templates.

The union tree is the bottom of the project: its pages (the navigation bar, the home page, a
unit's and a member's page) show the work of the apps built on it without naming them. Each
higher app fills a slot in its AppConfig.ready(), e.g.

    page_slots.fill("unit_actions", "awards/_unit_actions.html", order=20)

and the page includes whatever fills the slot, in `order`, with the page's own context:

    {% for name in page_slots.unit_actions %}{% include name %}{% endfor %}
"""

SLOTS = (
    "nav",  # menus of the navigation bar, for a signed-in user
    "user_nav",  # items of the navigation bar's right side, before the user's menu
    "public_nav",  # links of the navigation bar for a visitor who is not signed in
    "home_panels",  # cards of the home page
    "unit_actions",  # buttons of a unit's page
    "member_actions",  # buttons of a member's page, for whoever manages the member
    "member_panels",  # sections of a member's page, below its details
    "unit_panels",  # sections of a unit's page, below its details
    "nomination_panels",  # sections of a nomination's page (awards), e.g. its outcome
    "movement_actions",  # buttons of a movement's, a round's and a registration's page
)

_filled = {slot: [] for slot in SLOTS}


def fill(slot, template_name, *, order):
    if slot not in _filled:
        raise ValueError(f"No page slot {slot!r}; the slots are {', '.join(SLOTS)}.")
    entries = _filled[slot]
    if (order, template_name) not in entries:  # ready() may run twice in a test process
        entries.append((order, template_name))
        entries.sort()


def templates_in(slot):
    return [name for _order, name in _filled[slot]]


def all_slots():
    return {slot: templates_in(slot) for slot in SLOTS}
