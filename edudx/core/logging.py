"""One log format for web and workers: key=value lines carrying the request id (structlog contextvars)."""

import structlog


class KeyValueFormatter(structlog.stdlib.ProcessorFormatter):
    def __init__(self, *args, **kwargs):
        super().__init__(
            processor=structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"]),
            foreign_pre_chain=[
                structlog.contextvars.merge_contextvars,
                structlog.stdlib.add_log_level,
                structlog.processors.TimeStamper(fmt="iso"),
            ],
        )
