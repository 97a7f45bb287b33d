"""The alert stage: events in, watch rules applied, alerts out."""
