"""Every default and allowed value is written once, in `citegraph.constants`: the CLI's options, the
MCP tools' arguments and the library functions' defaults all say the same, found by introspection
(click's command tree, the tools the MCP server lists, the functions' signatures)."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import anyio
import click
import pytest
from mcp import Client

import citegraph
from citegraph import constants
from citegraph.cli import main
from citegraph.mcp import create_server

# The setting an argument or parameter of this name reads, wherever it appears: a name, not a value.
SETTING_OF = {
    "top": "TOP",
    "pool": "SUGGESTION_POOLS",
    "since": None,
    "cluster": None,
    "from_paper": None,
    "min_cited_by": "MIN_CITED_BY",
    "min_cites": "MIN_CITES",
    "data_dir": "DATA_DIR",
    "map_file": "MAP_FILE",
}


def setting(where: str, name: str):
    """The setting a parameter ``name`` of a command or function ``where`` reads (None: no setting)."""
    if name == "top" and where.endswith("clusters"):  # papers named per group: a setting of its own
        return constants.CLUSTER_TOP_UNREAD
    if name == "data_dir" and where.endswith("demo"):  # the demo keeps apart from your data
        return constants.DEMO_DATA_DIR
    return getattr(constants, SETTING_OF[name]) if SETTING_OF.get(name) else None


def is_setting(value, expected) -> bool:
    """``value`` is the setting, or the first of its allowed values (the default)."""
    return value == expected or (isinstance(expected, tuple) and value == expected[0])


def cli_default(command: click.Command, option: click.Option):
    """The value the command gets for ``option`` when the option is not given."""
    return command.make_context(command.name, [], resilient_parsing=True).params[option.name]


def listed_tools() -> dict:
    """The tools an assistant's client sees from a server started with --allow-fetch (every tool)."""

    async def session():
        async with Client(create_server(Path("no-data-here"), allow_fetch=True)) as client:
            return {tool.name: tool for tool in (await client.list_tools()).tools}

    return anyio.run(session)


def cli_option(command: click.Command, argument: str) -> click.Option | None:
    """The option of ``command`` an MCP argument mirrors: same name, or ``--name`` with dashes."""
    flag = "--" + argument.replace("_", "-")
    return next(
        (p for p in command.params if isinstance(p, click.Option) and (p.name == argument or flag in p.opts)), None
    )


def mirrored_pairs() -> list[tuple[str, str, dict, click.Command, click.Option]]:
    """(tool, argument, its schema, the CLI command, its option) for every tool argument that mirrors a CLI option; a
    tool's command is the one its description names (`citegraph COMMAND`)."""
    pairs = []
    for name, tool in listed_tools().items():
        named = re.search(r"`citegraph (\w+)", tool.description or "")
        command = main.commands.get(named.group(1)) if named else None
        if command is None:
            continue
        for argument, schema in tool.input_schema["properties"].items():
            option = cli_option(command, argument)
            if option is not None:
                pairs.append((name, argument, schema, command, option))
    return pairs


MIRRORED = [pytest.param(*pair, id=f"{pair[0]}-{pair[1]}") for pair in mirrored_pairs()]


def test_mcp_tool_arguments_mirror_cli_options():
    pairs = {(param.values[0], param.values[1]) for param in MIRRORED}
    assert {("unread", "top"), ("unread", "since"), ("suggest", "pool"), ("path", "all")} <= pairs


@pytest.mark.parametrize("tool,argument,schema,command,option", MIRRORED)
def test_an_mcp_argument_has_its_cli_options_default_and_allowed_values(tool, argument, schema, command, option):
    assert schema.get("default") == cli_default(command, option)
    if isinstance(option.type, click.Choice):
        assert schema["enum"] == list(option.type.choices)
    if isinstance(option.type, click.IntRange):
        for bound, schema_key in (("min", "minimum"), ("max", "maximum")):
            if getattr(option.type, bound) is not None:
                assert schema[schema_key] == getattr(option.type, bound)


@pytest.mark.parametrize("tool,argument,schema,command,option", MIRRORED)
def test_an_mcp_argument_takes_its_default_and_allowed_values_from_the_settings(
    tool, argument, schema, command, option
):
    if argument not in SETTING_OF:  # a flag: false in both
        assert schema.get("default") in (None, False)
        return
    expected = setting(tool, argument)
    if "enum" in schema:
        assert tuple(schema["enum"]) == expected and schema["default"] == expected[0]
    else:
        assert schema.get("default") == expected


def _command_tree(group: click.Group):
    for command in group.commands.values():
        yield command
        if isinstance(command, click.Group):
            yield from _command_tree(command)


def test_the_cli_options_take_their_defaults_from_the_settings(monkeypatch):
    monkeypatch.delenv("CITEGRAPH_DATA_DIR", raising=False)
    checked = 0
    for command in _command_tree(main):
        for option in command.params:
            expected = setting(command.name, option.name)
            if isinstance(option, click.Option) and expected is not None:
                assert is_setting(cli_default(command, option), expected), (command.name, option.name)
                checked += 1
    assert checked >= 15


def _library_functions():
    for info in pkgutil.walk_packages(citegraph.__path__, "citegraph."):
        if info.name == "citegraph.__main__" or info.name.startswith("citegraph.cli"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if getattr(value, "__module__", None) == module.__name__ and (
                inspect.isfunction(value) or inspect.isclass(value)
            ):
                yield f"{module.__name__}.{name}", value
                if inspect.isclass(value):
                    for method_name, method in vars(value).items():
                        if inspect.isfunction(method):
                            yield f"{module.__name__}.{name}.{method_name}", method


def test_the_library_functions_take_their_defaults_from_the_settings():
    checked = 0
    for name, function in _library_functions():
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            continue
        for parameter in parameters.values():
            expected = setting(name, parameter.name)
            if expected is not None and parameter.default not in (inspect.Parameter.empty, None):
                assert is_setting(parameter.default, expected), (name, parameter.name)
                checked += 1
    assert checked >= 15


def test_the_map_is_drawn_at_the_same_default_path_by_the_cli_the_library_and_the_mcp_server():
    from citegraph.demo.run import demo
    from citegraph.pipeline import build

    build_option = cli_option(main.commands["build"], "output")
    mcp_option = cli_option(main.commands["mcp"], "map_file")
    assert build_option.default == mcp_option.default == constants.MAP_FILE
    assert inspect.signature(build).parameters["output"].default == constants.MAP_FILE
    assert cli_option(main.commands["demo"], "output").default == constants.DEMO_MAP_FILE
    assert inspect.signature(demo).parameters["output"].default == constants.DEMO_MAP_FILE
