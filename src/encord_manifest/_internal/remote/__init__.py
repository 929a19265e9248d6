"""Remote checks (`lint --remote`): the objects behind the URLs, read with ranged GET requests.

``safety`` decides which hosts may be contacted and keeps secrets out of messages, ``magic``
names a file type from its first bytes and ``sniff`` says whether that is what the data type
wants, ``http`` fetches with retries and byte caps (``fetch_settings``, ``fetch_errors``,
``answers``, ``redirects``: what it is told, how it fails, what it reads, where it goes), and
``check`` runs the probes concurrently and turns what they saw into findings (``targets``: the
URLs, ``probe``: one object, ``verdicts``: what its answers say, ``series``: an entry's files
compared).
"""
