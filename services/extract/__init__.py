"""The extract stage: Articles in, typed events out."""
