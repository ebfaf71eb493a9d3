"""Automatic intake: publishers' feeds and sitemaps, polled for articles to narrate (docs/architecture.md)."""
