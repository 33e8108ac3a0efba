"""An edit's evidence files and its activity row, shared by a round's nomination and a quick one."""

from django.utils.translation import gettext as _

from awards.models import Evidence
from awards.services.history import _activity, _user


def _save_files(nomination, checked_files, actor):
    for upload, content_type in checked_files:
        evidence = Evidence(
            nomination=nomination,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=_user(actor),
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()


def _record_edit(nomination, award_kind, checked_files, actor):
    """The files added by an edit, and its activity row (a round's nomination or a quick one)."""
    _save_files(nomination, checked_files, actor)
    _activity(
        nomination,
        actor=actor,
        action="nomination.updated",
        summary=_("Edited the nomination of %(nominee)s for %(award)s")
        % {"nominee": nomination.nominee_name, "award": award_kind.name_vi},
        units=[nomination.proposing_unit],
        data={"files": [upload.name for upload, _type in checked_files]},
    )
