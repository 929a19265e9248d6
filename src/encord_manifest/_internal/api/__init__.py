"""The public API's implementation; ``encord_manifest`` re-exports exactly its names."""
