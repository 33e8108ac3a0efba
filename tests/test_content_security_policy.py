"""Pages carry a Content-Security-Policy that allows nothing inline, and no template needs it."""

import re
from pathlib import Path

from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Certificate and decision templates are printed to PDF by WeasyPrint, never served as pages.
# Printed by WeasyPrint, never served: certificates and the tờ trình.
PRINTED = (TEMPLATES / "commendations" / "certificates", TEMPLATES / "awards" / "pdf")


def test_pages_send_a_policy_without_inline_scripts_or_styles(client, db):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy


def test_no_served_template_has_an_inline_script_style_or_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if any(printed in path.parents for printed in PRINTED):
            continue
        text = path.read_text(encoding="utf-8")
        inline_scripts = [
            tag
            for tag in re.findall(r"<script\b[^>]*>", text)
            if "src=" not in tag and "application/json" not in tag
        ]
        if inline_scripts or re.search(r"\sstyle=\"|<style\b|\son[a-z]+=\"", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []
