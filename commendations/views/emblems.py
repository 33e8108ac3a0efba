"""A unit's emblem, printed on its certificates: uploaded by the unit's clerks, streamed from
the private storage to whoever reads the unit."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commendations import services
from commendations.models import UnitEmblem
from unions import scoping as unions_scoping
from unions.forms import BootstrapFormMixin


class EmblemForm(BootstrapFormMixin, forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Emblem"),
        required=False,
        help_text=gettext_lazy("PNG or JPEG, at most 1 MB and 2000 pixels a side."),
    )


@login_required
def unit_emblem(request, pk):
    user = request.user
    unit = unions_scoping.get_unit_or_404(user, pk)
    if not user.has_perm("commendations.set_emblem", unit):
        raise PermissionDenied
    form = EmblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("remove") == "1":
            services.remove_emblem(unit, actor=user)
            messages.success(request, _("The emblem was removed."))
            return redirect("commendations:unit_emblem", pk=unit.pk)
        if form.is_valid():
            try:
                services.set_emblem(unit, actor=user, upload=form.cleaned_data["image"])
            except ValidationError as error:
                form.add_error("image", error)
            else:
                messages.success(request, _("The emblem was saved."))
                return redirect("commendations:unit_emblem", pk=unit.pk)
    emblem = UnitEmblem.objects.filter(unit=unit).first()
    return render(
        request, "commendations/unit_emblem.html", {"unit": unit, "form": form, "emblem": emblem}
    )


@login_required
def unit_emblem_image(request, pk):
    unit = unions_scoping.get_unit_or_404(request.user, pk)
    emblem = UnitEmblem.objects.filter(unit=unit).first()
    if emblem is None:
        raise Http404
    try:
        handle = emblem.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=emblem.content_type)
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
