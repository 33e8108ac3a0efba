from django import template

from notifications import scoping

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """The unread count of the navigation's bell: one query."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return scoping.unread_for(request.user).count()
