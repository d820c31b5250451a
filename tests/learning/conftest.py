import pytest

from learning.search import forget_lexicon


@pytest.fixture(autouse=True)
def _fresh_search_lexicon():
    """The in-process word lexicon of the search must not carry one test's words into the next."""
    forget_lexicon()
    yield
    forget_lexicon()
