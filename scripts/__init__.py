"""Cartoonify's helper scripts (see scripts/README.md). Run the Python ones from the repository root as
modules, e.g. `python3 -m scripts.tools.convert_pth --help`; that is what makes `scripts.reference` and
`REPO_ROOT` importable without touching sys.path.
"""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
