"""How many findings of one kind one entry (or CSV row) reports one by one.

A hostile or broken manifest can hold 100,000 unknown keys in one entry, or a CSV file
100,000 unknown columns in its header: one finding each would cost memory and time in
proportion to the mistake repeated, not to anything a reader can use, and bury every other
finding. So each place reports the first ``MAX_FINDINGS_PER_KIND`` of a kind, and then one
finding of the same code that counts the rest ("and 99,990 more unknown keys in this image
entry"). The cap bounds the work too: the rest are counted, never given a suggestion, a
message or a position.
"""

from __future__ import annotations

from collections import Counter

#: Findings of one code reported one by one in one entry, object or CSV row.
MAX_FINDINGS_PER_KIND = 10


class KindCap:
    """Counts findings per code at one place; ``admit`` says whether to report one more."""

    def __init__(self, limit: int = MAX_FINDINGS_PER_KIND) -> None:
        self.limit = limit
        self.seen: Counter[str] = Counter()

    def admit(self, code: str) -> bool:
        self.seen[code] += 1
        return self.seen[code] <= self.limit

    def overflow(self) -> dict[str, int]:
        """Per code, how many were counted and not reported."""
        return {code: n - self.limit for code, n in self.seen.items() if n > self.limit}


def more(count: int, what: str) -> str:
    """'and 99,990 more unknown keys': the text of the finding that stands for the rest."""
    return f"and {count:,} more {what}"
