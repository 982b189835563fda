"""The bot's version, from the installed package's metadata (one source: pyproject.toml)."""

from importlib import metadata

DISTRIBUTION = "producer-bot"


def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"
