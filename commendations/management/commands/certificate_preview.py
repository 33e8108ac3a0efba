"""Render one certificate with sample data, through the same code as the worker."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commendations.certificates import (
    CERTIFICATE_TEMPLATES,
    default_template_name,
    default_template_source,
    render_chunk,
    sample_certificate,
)
from commendations.documents import own_template_source
from movements.models import AwardKind


class Command(BaseCommand):
    help = "Render one certificate with sample data to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--award-kind", help="Code of an award kind (AwardKind.code).")
        parser.add_argument(
            "--template",
            help=(
                f"A shipped template ({', '.join(CERTIFICATE_TEMPLATES)}) or the path of an HTML "
                "template file; default: the award kind's own template, else the one its level and "
                "name call for."
            ),
        )
        parser.add_argument("--name", default="Nguyễn Thị Hằng", help="The awardee's name.")
        parser.add_argument("--out", required=True, help="The PDF file to write.")

    def handle(self, *args, award_kind=None, template=None, name, out, **options):
        kind = self._award_kind(award_kind) if award_kind else None
        own_source = own_template_source(kind) if kind is not None else ""
        if template is None and own_source:
            # The kind's own template, as the worker prints it.
            template, source = _("its own template"), own_source
        else:
            if template is None:
                template = (
                    default_template_name(
                        granting_level=kind.granting_level, award_name=kind.name_vi
                    )
                    if kind
                    else CERTIFICATE_TEMPLATES[0]
                )
            source = self._template_source(template)
        overrides = {"awardee_name": name}
        if kind is not None:
            overrides["award_name"] = kind.name_vi
        elif template in CERTIFICATE_TEMPLATES:
            overrides["award_name"] = "Giấy khen" if template == "giay_khen" else "Bằng khen"
        try:
            chunk = render_chunk(source, [sample_certificate(**overrides)])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        Path(out).write_bytes(chunk.pdf)
        for url in chunk.refused_urls:
            self.stderr.write(_("Refused to load %(url)s") % {"url": url})
        self.stdout.write(
            _("Wrote %(out)s with the template %(template)s.") % {"out": out, "template": template}
        )

    def _award_kind(self, code):
        kind = AwardKind.objects.filter(code=code).first()
        if kind is not None:
            return kind
        known = list(AwardKind.objects.order_by("code").values_list("code", flat=True))
        if not known:
            raise CommandError(
                _("Unknown award kind %(code)s: there are no award kinds yet.") % {"code": code}
            )
        raise CommandError(
            _("Unknown award kind %(code)s. Known codes: %(known)s.")
            % {"code": code, "known": ", ".join(known)}
        )

    def _template_source(self, template):
        if template in CERTIFICATE_TEMPLATES:
            return default_template_source(template)
        path = Path(template)
        if path.suffix.lower() in (".html", ".htm") and path.is_file():
            return path.read_text(encoding="utf-8")
        raise CommandError(
            _("Unknown template %(template)s: give one of %(known)s or an HTML file.")
            % {"template": template, "known": ", ".join(CERTIFICATE_TEMPLATES)}
        )
