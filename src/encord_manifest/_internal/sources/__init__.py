"""JSON and CSV text -> documents: decoding, parsing, duplicate keys, positions on demand."""
