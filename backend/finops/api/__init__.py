"""The HTTP API (FastAPI) and the built dashboard."""
