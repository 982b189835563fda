"""The container's health check: ``python -m bot.ops.probe`` exits 0 when the bot's
``/healthz`` on ``HEALTH_PORT`` says ready, else 1. Standard library only, so that it
starts in a few milliseconds every interval."""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("HEALTH_PORT", "").strip()
    if not port:
        print("HEALTH_PORT is not set: the health server is off, nothing to check.")
        return 0
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            print(answer.read().decode().strip())
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode().strip())
    except OSError as error:
        print(f"no answer on port {port}: {error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
