"""Each test starts and ends without a cached working-day calendar (a rolled-back override must not linger)."""

import pytest

from egov.workdays import forget_calendar


@pytest.fixture(autouse=True)
def _fresh_work_calendar():
    forget_calendar()
    yield
    forget_calendar()
