"""Shared pieces for loading the read-only content files in ``data/``."""

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError


class ContentError(Exception):
    """A content file is missing, unreadable or does not match its schema."""


class ContentModel(BaseModel):
    """Base of every content schema: immutable, and unknown keys are mistakes."""

    model_config = ConfigDict(frozen=True, extra="forbid")


ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml(path: Path, model: type[ModelT]) -> ModelT:
    """Parse one YAML file into ``model``, turning any failure into a ``ContentError``."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path.name}: cannot read: {error}") from error
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ContentError(f"{path.name}: {error}") from error
