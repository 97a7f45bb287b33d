"""The event builders, one module per event family.

Each builder reads the parse around one trigger word and returns `Found` candidates;
`services.extract.extractor` dispatches the triggers of a document to them.
"""
