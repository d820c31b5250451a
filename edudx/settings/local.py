"""Embedded mode (make run): SQLite, filesystem broker, console e-mail; DEBUG only if asked for."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", False)
