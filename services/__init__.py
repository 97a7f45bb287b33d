"""eventwatch services: the ingest, extract and alert workers and their shared runtime."""
