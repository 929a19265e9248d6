"""Encord's deployments by the names ``--domain`` accepts besides an address (a module of its
own so that the command line can name its default without importing the Encord client)."""

from __future__ import annotations

DEPLOYMENTS = {"eu": "https://api.encord.com", "us": "https://api.us.encord.com"}
