"""The compose file and the image, read as Docker reads them: each profile starts only
its own services, PostgreSQL is healthy before a bot uses it, no .env is required."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
PROFILES = {
    "sqlite": {"bot"},
    "postgres": {"bot-postgres", "postgres"},
    "shards": {"shard-0", "shard-1", "postgres"},
    "web": {"web", "postgres"},
}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def started_by(profile: str) -> set[str]:
    return {
        name
        for name, service in compose()["services"].items()
        if not service.get("profiles") or profile in service["profiles"]
    }


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_profile_starts_only_its_services(profile: str) -> None:
    assert started_by(profile) == PROFILES[profile]


def test_every_bot_waits_for_a_healthy_postgres_serves_health_and_needs_no_env_file() -> None:
    services = compose()["services"]
    assert services["postgres"]["healthcheck"]["test"]
    for name, service in services.items():
        if name == "postgres":
            continue
        assert service["env_file"] == [{"path": ".env", "required": False}], name
        if name != "web":  # the dashboard has a health check of its own
            assert service["environment"]["HEALTH_PORT"] == 8080, name
        url = service["environment"]["DATABASE_URL"]
        Settings(database_url=url)  # a URL the bot accepts
        if url.startswith("postgresql"):
            assert services[name]["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_the_database_urls_of_env_example_are_valid_when_uncommented() -> None:
    lines = (REPO / ".env.example").read_text().splitlines()
    urls = [line.split("=", 1)[1] for line in lines if line.startswith("# DATABASE_URL=")]
    assert any(url.startswith("postgresql+asyncpg://") for url in urls)
    for url in urls:
        Settings(database_url=url)


def test_the_image_is_pinned_checks_health_and_installs_dependencies_before_code() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert bases and all(
        re.fullmatch(r"python:3\.11\.\d+-\S+@sha256:[0-9a-f]{64}", b) for b in bases
    )
    assert "HEALTHCHECK" in dockerfile and "bot.ops.probe" in dockerfile
    assert "MPLCONFIGDIR=/tmp/" in dockerfile
    lock = dockerfile.index("-r requirements.lock")
    assert lock < dockerfile.index("COPY bot ")


def _compose_cli() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return command
    return None


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_docker_compose_config_lists_each_profiles_services(profile: str) -> None:
    command = _compose_cli()
    if command is None:
        pytest.skip("docker compose is not installed here")
    listed = subprocess.run(
        [*command, "--profile", profile, "config", "--services"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(listed.stdout.split()) == PROFILES[profile]
