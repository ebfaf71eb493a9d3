"""The `narrator` command: serve the API, run workers, narrate files, normalize text, list voices.

`main` (main.py) builds the parser from the command modules in
`workers/cli/commands/` (registry.py); `python -m workers.cli` runs it too.
"""

from workers.cli.main import main

__all__ = ["main"]
