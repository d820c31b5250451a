"""Export jobs of the report forms."""
