"""Which files a command reads, and writing files without losing what was there."""
