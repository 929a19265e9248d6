"""Remote checks (`lint --remote`): the objects behind the URLs, read with ranged GET requests.

``safety`` decides which hosts may be contacted and keeps secrets out of messages, ``magic``
names a file type from its first bytes and ``sniff`` says whether that is what the data type
wants, ``http`` fetches with retries and byte caps, and
``check`` runs the probes concurrently and turns what they saw into findings.
"""
