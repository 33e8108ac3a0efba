"""Production serves static files from the collected manifest (hashed names, compressed copies);
the tests use the files where they are. This checks the production side once."""

from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings

from config import settings as production


def test_collectstatic_builds_the_manifest_that_production_pages_use(tmp_path):
    storages = {**production.STORAGES}
    assert storages["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
        address = static("css/app.css")
    assert (tmp_path / "staticfiles.json").exists()
    hashed = address.rsplit("/", 1)[-1]
    assert hashed.startswith("app.") and hashed != "app.css" and hashed.endswith(".css")
    assert (tmp_path / "css" / hashed).exists()
    assert (tmp_path / "css" / f"{hashed}.gz").exists()
