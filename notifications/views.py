"""The in-app list of a person's notifications, marking them read, and the email preference."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import scoping, services
from notifications.forms import PreferenceForm
from unions.query_params import choice_or_404, page_or_404

PER_PAGE = 30


@login_required
def notification_list(request):
    show = choice_or_404(request.GET, "show", ["unread"])
    notifications = scoping.notifications_for(request.user)
    if show:
        notifications = notifications.filter(read_at__isnull=True)
    page = page_or_404(request, notifications, PER_PAGE)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page_obj": page,
            "show": show,
            "form": PreferenceForm(initial={"delivery": services.delivery_of(request.user)}),
        },
    )


def _safe(url, request):
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else "/"


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    notification = scoping.get_notification_or_404(request.user, pk)
    services.mark_read(notification, actor=request.user)
    return redirect(_safe(notification.url, request))


@login_required
@require_POST
def notification_read_all(request):
    services.mark_all_read(scoping.unread_for(request.user), actor=request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:notification_list")


@login_required
@require_POST
def notification_preference(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.set_delivery(request.user, delivery=form.cleaned_data["delivery"])
        messages.success(request, _("Your email preference was saved."))
    else:
        messages.error(request, _("Choose how you want to be emailed."))
    return redirect("notifications:notification_list")
