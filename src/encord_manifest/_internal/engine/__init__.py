"""The lint pipeline: load, check, place findings; the parallel parts; fixes."""
