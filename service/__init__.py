"""narrator's service: the API, records, documents, audio and listeners (map: docs/architecture.md).

Two libraries every process here imports pull in rich and pygments, when they
are installed, for what only a person at a terminal sees: structlog for its
pretty tracebacks, httpx for its command line. Together they hold ~6 MB
resident in each process. Unless stderr is a terminal, both libraries are
imported here, before anything else can, with rich and pygments hidden: a
console log then prints plain tracebacks (as JSON lines do), and rich and
pygments stay importable for anything else that asks.
"""

import sys
from importlib import import_module

_TERMINAL_ONLY = ("rich", "pygments")


def _import_without_terminal_extras(*names: str) -> None:
    """Import `names` while `_TERMINAL_ONLY` cannot be imported (they treat that as not installed)."""
    hidden = [name for name in _TERMINAL_ONLY if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None in sys.modules: `import name` fails
    try:
        for name in names:
            import_module(name)
    finally:
        for name in hidden:
            del sys.modules[name]


if not (sys.stderr is not None and sys.stderr.isatty()):
    _import_without_terminal_extras("structlog", "httpx")
