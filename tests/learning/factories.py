"""Learning-library test data with Vietnamese names."""

from learning.demo import seed_catalogue
from learning.models import KnowledgeUnit


def catalogue() -> dict[str, KnowledgeUnit]:
    """The demo's starter catalogue, by knowledge-unit code."""
    seed_catalogue()
    return {unit.code: unit for unit in KnowledgeUnit.objects.select_related("topic__subject")}
