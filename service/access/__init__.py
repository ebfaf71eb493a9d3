"""Access control: projects, API keys and their scopes (plain functions over the records)."""
