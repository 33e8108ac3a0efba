from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from unions import imports
from unions.background import MailTask
from unions.invitations import send_invitation
from unions.models import Unit


class InvitationMail(MailTask):
    def failed_email(self, user_id, unit_id, role):
        user = get_user_model().objects.filter(pk=user_id).first()
        unit = Unit.objects.filter(pk=unit_id).first()
        if user is None or unit is None:
            return None
        return unit, _("the invitation to %(user)s <%(email)s>") % {
            "user": user.username,
            "email": user.email,
        }


@shared_task(base=InvitationMail)
def send_invitation_email(user_id, unit_id, role):
    user = get_user_model().objects.get(pk=user_id)
    unit = Unit.objects.get(pk=unit_id)
    send_invitation(user, unit=unit, role=role)


@shared_task
def validate_member_import(import_id):
    imports.validate_member_import(import_id)


@shared_task
def run_member_import(import_id):
    imports.run_member_import(import_id)
