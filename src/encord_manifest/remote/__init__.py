"""Remote checks (`lint --remote`): the objects behind the URLs, read with HEAD and Range requests.

``safety`` decides which hosts may be contacted and keeps secrets out of messages, ``sniff``
names a file type from its first bytes, ``http`` fetches with retries and byte caps, and
``check`` runs the probes concurrently and turns what they saw into findings.
"""
