"""A build-all reporter for tests: collects each report's outcome instead of printing it."""
from __future__ import annotations

from regionrapport.commands import build_all


class Quiet(build_all.PlainReporter):
    """Collects outcomes instead of printing them."""

    def __init__(self):
        self.seen = []

    def done(self, o):
        self.seen.append(o)

    def finish(self, s):
        pass
