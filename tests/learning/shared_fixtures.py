"""Where the files written by other systems are: ``shared/fixtures`` beside the checkout (as CI lays it out)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MOODLE = REPO.parent / "shared" / "fixtures" / "moodle"
