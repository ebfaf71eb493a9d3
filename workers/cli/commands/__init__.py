"""One module per `narrator` subcommand, each defining `COMMAND = Command(...)` (see workers/cli/registry.py)."""
