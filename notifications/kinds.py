"""The kinds of notification, registered by the apps that make them.

Each app above registers its kinds in its AppConfig.ready() (as it fills page slots), e.g.

    kinds.register("nomination.returned", _("The nomination of %(nominee)s was returned"))

A notification stores its kind and the message's values (`data`); the message is translated
when it is shown or emailed, in the reader's language.
"""

_messages = {}


def register(kind, message):
    _messages[kind] = message


def registered():
    return dict(_messages)


def message(notification):
    template = _messages.get(notification.kind)
    if template is None:
        return notification.kind
    try:
        return str(template) % notification.data
    except (KeyError, TypeError, ValueError):
        return str(template)
