"""A job task for the worker tests only: counts slowly so that a test can watch progress and kill the worker."""

import time

from edudx.core.jobs import JobRun, JobTask, register_job_task


class CountSlowlyTask(JobTask):
    job_kind = "test_count_slowly"

    def execute(self, run: JobRun) -> dict:
        steps, delay = run.params["steps"], run.params["delay"]
        for step in range(1, steps + 1):
            time.sleep(delay)
            run.progress(step, steps, f"Bước {step}/{steps}", force=True)
        return {"counted": steps}


count_slowly_task = register_job_task(CountSlowlyTask, name="tests.count_slowly")
