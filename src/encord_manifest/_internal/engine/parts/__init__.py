"""A large JSON manifest linted in two parts at once, one per process, to use both cores.

Parsing and the rules are pure CPU work that one Python process does on one core. A manifest of
hundreds of MB is cut in two between two entries, where about half the work lies on either side;
two forked children each decode, parse and check one part. The command only maps the file,
finds the cut and waits: it never builds a tree, so it never tears one down either, and the
children leave with ``os._exit``. Each child decodes its own bytes of the mapped file and lets
the text go once parsed, so the two parts together hold what one process would: one text while
parsing, then one tree (measured at 1M entries: 1.14x the parse floor's peak memory, over all
three processes).

Each part runs the schema and the entry-scope rule families on its own entries and places its
own findings in its own text (``findings``): the first part's places are the file's; the
second part's move down by the lines before it, and its pointers into the list that was cut up
by the first part's entries. The first child combines the two. The comparisons between entries
of different parts are made from summaries: repeated URLs (U307; the second child sends its URL
hashes as soon as it has them, and the first compares them with its own while its rules still
run), repeated titles (T402) and clientMetadata types (M205). The document-scope families
(counts, size, top-level keys) run once, here, on the combined top level.

The whole file is linted the ordinary way, in one process, only for what needs its whole tree
or a text no part holds: a value shared by the two parts (a URL or title in both, a
clientMetadata key of more than one type), a nesting too deep, the SDK's typed form, a document
finding with a place, an encoding to report, a repeated key, or a cut that turns out not to be
where it was guessed. The test suite holds the two ways to the same report on every fixture,
on generated manifests and on findings on both sides of the cut.

The modules, in the order of the work:

- ``cutting``: where the file is cut in two, and each part's text;
- ``parsing``: a part's text parsed, its entry lists piece by piece;
- ``checking``: one part's checks, its findings placed in its own text, its summary;
- ``combining``: the two parts made one: summaries compared, findings placed in the file;
- ``findings``: a part's findings and their places, and how the second part's move;
- ``children``: ``lint_in_parts``, the two forked children, the pipes between them.
"""

from encord_manifest._internal.engine.parts.children import lint_in_parts
from encord_manifest._internal.engine.parts.cutting import NotSplit

__all__ = ["NotSplit", "lint_in_parts"]
