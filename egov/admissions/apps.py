from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    # An app of its own inside egov (its own models and migrations), built on the dossier machinery.
    name = "egov.admissions"
    label = "admissions"
    verbose_name = "Tuyển sinh đầu cấp"
