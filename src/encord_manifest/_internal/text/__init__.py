"""Small text tools every layer uses: lazy patterns, near-miss suggestions, diffs, redaction, URL authorities."""
