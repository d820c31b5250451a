"""Writes of the learning library, one module per topic (catalogue, question bank, resources, review)."""
