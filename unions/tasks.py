from celery import shared_task
from django.contrib.auth import get_user_model

from unions import imports
from unions.invitations import send_invitation
from unions.models import Unit


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
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
