"""The ingest stage: raw documents in, clean Articles out."""
