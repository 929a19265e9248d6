"""The records every layer shares: documents, findings and diagnostics, settings, the spec's numbers."""
