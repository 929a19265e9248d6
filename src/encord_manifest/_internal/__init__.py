"""The implementation behind the public API (``encord_manifest``); nothing here is public."""
