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

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (several times faster), else
PyYAML's own."""


def describe(error: ValidationError) -> str:
    """A validation error in one line: where the first problem is, what it is, and how
    many more there are (pydantic's own text spans several lines per problem)."""
    problems = error.errors()
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "the top level"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"at {where}: {first['msg']}{more}"


def load_yaml(path: Path, model: type[ModelT]) -> ModelT:
    """Parse one YAML file into ``model``. Any failure (missing, not UTF-8 text, not YAML,
    nested too deeply, not matching the schema) is a one-line ``ContentError`` naming the
    file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except OSError as error:
        raise ContentError(f"{path}: cannot read it ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise ContentError(f"{path}: not UTF-8 text (is it a binary file?)") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise ContentError(f"{path}: not valid YAML{line}: {error.problem}") from None
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise ContentError(f"{path}: not valid YAML: {reason}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ContentError(f"{path}: {describe(error)}") from None
