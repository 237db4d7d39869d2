"""Entry point of `python -m bench` (and `make bench`)."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main(auto_envvar_prefix="BENCH")
