from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Học liệu và ngân hàng câu hỏi"

    def ready(self) -> None:
        from celery.signals import task_postrun
        from django.core.signals import request_finished

        from .files import remove_rolled_back

        # Uploads whose transaction was rolled back are deleted once the request or task is over (learning.files).
        request_finished.connect(remove_rolled_back, dispatch_uid="learning.remove_rolled_back_files")
        task_postrun.connect(remove_rolled_back, weak=False, dispatch_uid="learning.remove_rolled_back_files")
