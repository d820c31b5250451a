"""Writes of the online-services app: one module per topic, the dossier core re-exported here."""

from .decisions import decide_dossiers, withdraw_dossier
from .dossiers import (
    DossierError,
    Upload,
    add_attachments,
    rate_dossier,
    resubmit_dossier,
    submit_dossier,
    transition_dossier,
)

__all__ = [
    "DossierError",
    "Upload",
    "add_attachments",
    "decide_dossiers",
    "rate_dossier",
    "resubmit_dossier",
    "submit_dossier",
    "transition_dossier",
    "withdraw_dossier",
]
