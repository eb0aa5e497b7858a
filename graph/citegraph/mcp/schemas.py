"""The MCP tools' arguments: what a tool is (`ToolSpec`, its JSON schema), the schemas its arguments share,
and the checks a call passes before any answer runs (one line naming the wrong argument, never its value)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import jsonschema
from mcp import types

from citegraph.constants import MAX_TOP, TOP
from citegraph.text import cut

MAX_NAME = 2000  # characters of a paper's name or a cluster's: more is no title, and is refused at once
PAPER_NAME = (
    "an S2 paperId, an arXiv id or DOI (arXiv:2106.09685, 10.…), an arXiv/DOI/S2 URL, "
    "or a title (case- and punctuation-insensitive; the name before the colon is enough)"
)
ARTICLES = {
    "integer": "an integer",
    "string": "a string",
    "boolean": "true or false",
    "null": "null",
    "object": "an object",
}
TOP_ARG = {"type": "integer", "minimum": 1, "maximum": MAX_TOP, "default": TOP, "description": "Rows to return."}


def paper_arg(description: str) -> dict:
    """The schema of an argument naming a paper (or a group): a string of 1 to ``MAX_NAME`` characters."""
    return {"type": "string", "minLength": 1, "maxLength": MAX_NAME, "description": description}


def optional_paper_arg(description: str) -> dict:
    """`paper_arg` that may also be null."""
    return {**paper_arg(description), "type": ["string", "null"]}


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its name, what the assistant reads about it, its arguments' JSON schema, and how it is answered."""

    name: str
    description: str
    properties: dict
    answer: Callable
    required: tuple = ()
    read_only: bool = True

    @property
    def input_schema(self) -> dict:
        return {
            "type": "object",
            "properties": self.properties,
            "required": list(self.required),
            "additionalProperties": False,
        }

    @cached_property
    def validator(self) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(self.input_schema)

    def sdk_tool(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            description=self.description,
            input_schema=self.input_schema,
            annotations=types.ToolAnnotations(read_only_hint=self.read_only, open_world_hint=not self.read_only),
        )


def argument_problem(tool: ToolSpec, arguments: dict) -> str | None:
    """What is wrong with a call's arguments, in one line that never repeats the value; None when they are fine."""
    errors = sorted(tool.validator.iter_errors(arguments), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return None
    error = errors[0]
    name = ".".join(map(str, error.absolute_path))
    expected = ", ".join(tool.properties) or "no arguments"
    match error.validator:
        case "required":
            missing = next(n for n in error.validator_value if n not in error.instance)
            return f"{tool.name}: missing argument {missing!r} (it takes {expected})"
        case "additionalProperties":
            unknown = sorted(set(error.instance) - set(tool.properties))
            return f"{tool.name}: unknown argument {cut(unknown[0], 80)!r} (it takes {expected})"
        case "type":
            kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            return f"{tool.name}: argument {name!r} must be {' or '.join(ARTICLES.get(k, k) for k in kinds)}"
        case "minimum" | "maximum":
            bound = "at least" if error.validator == "minimum" else "at most"
            return f"{tool.name}: argument {name!r} must be {bound} {error.validator_value}"
        case "maxLength":
            return f"{tool.name}: argument {name!r} is longer than {error.validator_value:,} characters"
        case "minLength":
            return f"{tool.name}: argument {name!r} is empty"
        case "enum":
            return f"{tool.name}: argument {name!r} must be one of {', '.join(map(json.dumps, error.validator_value))}"
    return f"{tool.name}: argument {name!r} is not valid"


def whole_numbers(tool: ToolSpec, arguments: dict) -> dict:
    """Integer arguments as ints: JSON Schema counts 1.0 and 1e3 as integers, Python's slices do not."""
    return {
        name: int(value)
        if isinstance(value, float) and "integer" in str(tool.properties.get(name, {}).get("type"))
        else value
        for name, value in arguments.items()
    }
