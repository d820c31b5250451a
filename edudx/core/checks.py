"""Start-up checks for settings that are not optional (RELIABILITY §1)."""

from django.core import checks


@checks.register(checks.Tags.security)
def check_defused_xml(app_configs, **kwargs):
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        return [
            checks.Error(
                "defusedxml is not installed: openpyxl would parse uploaded files without XML protection.",
                id="edudx.E001",
            )
        ]
    return []
