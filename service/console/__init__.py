"""The editors' console: server-rendered pages at /console over the same plain functions the API calls."""
