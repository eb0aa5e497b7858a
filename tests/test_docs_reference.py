"""The docs cannot drift from the code: the command reference is generated from `--help` and checked, every
page function, MCP tool and resource, environment variable and setting is documented, and the site builds
with no broken link."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import anyio
import click
import pytest
from mcp import Client

import citegraph
from citegraph import constants
from citegraph.cli import main
from citegraph.mcp import create_server

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PACKAGE = Path(citegraph.__file__).parent
PAGE_SCRIPTS = sorted((PACKAGE / "map" / "templates").rglob("*.js"))


def cli_reference_script():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def section(page: str, heading: str) -> str:
    """The text of a page under a ``## heading``, up to the next ``##`` heading."""
    text = (DOCS / page).read_text()
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


# -- the command reference ----------------------------------------------------------------------------


def test_the_command_reference_is_what_the_commands_help_says():
    script = cli_reference_script()
    assert (DOCS / "cli.md").read_text() == script.reference(), (
        f"docs/cli.md is out of date with the commands' --help: run `{script.REGENERATE}`"
    )


def every_command(command: click.Command, path: str = "citegraph"):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from every_command(sub, f"{path} {name}")


COMMANDS = dict(every_command(main))


@pytest.mark.parametrize("path", list(COMMANDS))
def test_every_command_and_option_is_in_the_command_reference(path):
    command = COMMANDS[path]
    reference = (DOCS / "cli.md").read_text()
    part = reference[reference.index(f"`{path}`\n") :]
    part = part[: part.index("\n```\n") + 1]
    for option in command.params:
        if isinstance(option, click.Option):
            assert any(re.search(rf"(?<![\w-]){re.escape(name)}\b", part) for name in option.opts), (
                f"`{path}` option {'/'.join(option.opts)} is not in docs/cli.md"
            )


def test_the_reference_script_checks_and_says_how_to_regenerate(tmp_path, monkeypatch, capsys):
    """`--check` passes on the committed page, and names the regenerating command when a page is stale."""
    script = ROOT / "scripts" / "cli_reference.py"
    fresh = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    module = cli_reference_script()
    module.REFERENCE = tmp_path / "cli.md"
    module.REFERENCE.write_text("# an old reference\n")
    monkeypatch.setattr(sys, "argv", ["cli_reference.py", "--check"])
    assert module.run() == 1
    assert "python scripts/cli_reference.py > docs/cli.md" in capsys.readouterr().err


# -- the page's script API ----------------------------------------------------------------------------


def skip_literal(source: str, i: int) -> int:
    """The index just past a string or comment starting at i (i itself when none starts there)."""
    if source.startswith("//", i):
        return source.index("\n", i)
    if source.startswith("/*", i):
        return source.index("*/", i) + 2
    if source[i] in "'\"`":
        j = i + 1
        while source[j] != source[i]:
            j += 2 if source[j] == "\\" else 1
        return j + 1
    return i


def object_members(source: str, start: int) -> dict[str, str]:
    """The members of the object literal whose ``{`` is at ``start``: name -> the value's source."""
    members, depth, member_start, i = {}, 0, start + 1, start
    while True:
        past = skip_literal(source, i)
        if past != i:
            i = past
            continue
        char = source[i]
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        if depth == 0 or (depth == 1 and char == ","):
            member = re.sub(r"/\*.*?\*/|//[^\n]*", "", source[member_start:i], flags=re.S).strip()
            if member:
                name, _, value = member.partition(":")
                members[name.strip()] = value.strip()
            member_start = i + 1
            if depth == 0:
                return members
        i += 1


def page_functions() -> list[str]:
    """Every function the page puts on ``window.citegraph`` (and its sub-objects), by full name."""
    sources = "\n".join(path.read_text() for path in PAGE_SCRIPTS)
    defined = set(re.findall(r"\bfunction\s+(\w+)\s*\(", sources))
    defined |= set(re.findall(r"\b(\w+)\s*=\s*(?:function\b|\([^()]*\)\s*=>)", sources))
    found = []
    for match in re.finditer(r"window\.citegraph((?:\.\w+)*)\s*=\s*\{", sources):
        for name, value in object_members(sources, match.end() - 1).items():
            if value.startswith(("function", "(")) or value in defined:
                found.append(f"window.citegraph{match.group(1)}.{name}")
    return found


def test_the_page_api_is_found_in_the_page_scripts():
    found = page_functions()
    assert {"window.citegraph.path", "window.citegraph.select", "window.citegraph.later.copy"} <= set(found), (
        f"the page's window.citegraph object was not found as `window.citegraph = {{…}}` in {PAGE_SCRIPTS}: {found}"
    )


@pytest.mark.parametrize("function", page_functions())
def test_every_page_function_is_documented(function):
    api = section("map.md", "The page's script API")
    assert re.search(rf"`{re.escape(function)}\b", api), (
        f"{function} is not in docs/map.md's table of the page's script API"
    )


# -- the MCP server ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mcp_listing(tmp_path_factory):
    """The tools and resources the server lists with every tool enabled (--allow-fetch)."""
    folder = tmp_path_factory.mktemp("mcp")

    async def listing():
        server = create_server(
            folder / "data", notes=[folder / "notes.md"], allow_fetch=True, map_file=folder / "graph.html"
        )
        async with Client(server) as client:
            return (await client.list_tools()).tools, (await client.list_resources()).resources

    return anyio.run(listing)


def test_every_mcp_tool_is_documented_with_its_arguments(mcp_listing):
    tools, _ = mcp_listing
    table = section("mcp.md", "Tools")
    assert len(tools) >= 10
    for tool in tools:
        row = re.search(rf"^\| `{re.escape(tool.name)}` \|[^\n]*", table, re.M)
        assert row, f"the MCP tool {tool.name} has no row in docs/mcp.md's Tools table"
        for argument in tool.input_schema.get("properties", {}):
            assert f"`{argument}`" in row.group(0), f"the MCP tool {tool.name}'s argument {argument} is not in its row"


def test_every_mcp_resource_is_documented(mcp_listing):
    _, resources = mcp_listing
    table = section("mcp.md", "Resources")
    assert resources
    for resource in resources:
        row = re.search(rf"^\| `{re.escape(resource.name)}` \|[^\n]*", table, re.M)
        assert row, f"the MCP resource {resource.name} has no row in docs/mcp.md's Resources table"
        uri = str(resource.uri)
        assert uri.startswith("file://") or f"`{uri}`" in row.group(0), f"{uri} is not in its row"


# -- settings ----------------------------------------------------------------------------------------


def environment_variables() -> set[str]:
    """Every environment variable the package reads, by name (a service's URL variable is declared
    once, as its config's ``url_variable``)."""
    pattern = re.compile(
        r"""(?:os\.environ\.get\(|os\.environ\[|os\.getenv\(|envvar=|url_variable: ClassVar\[str\] =)\s*["'](\w+)["']"""
    )
    return {name for path in PACKAGE.rglob("*.py") for name in pattern.findall(path.read_text())}


def test_the_environment_variables_are_found():
    assert {"S2_API_KEY", "S2_API_URL", "CITEGRAPH_DATA_DIR"} <= environment_variables()


@pytest.mark.parametrize("name", sorted(environment_variables()))
def test_every_environment_variable_is_documented(name):
    assert f"`{name}`" in (DOCS / "settings.md").read_text(), (
        f"the environment variable {name} is not in docs/settings.md"
    )


SETTINGS = sorted(name for name in vars(constants) if re.fullmatch(r"[A-Z][A-Z0-9_]+", name))


@pytest.mark.parametrize("name", SETTINGS)
def test_every_setting_is_documented(name):
    table = section("settings.md", "Defaults and allowed values")
    assert re.search(rf"`{name}`", table), f"citegraph.constants.{name} is not in docs/settings.md's table"


# -- the site ----------------------------------------------------------------------------------------


def test_the_docs_site_builds_with_no_broken_link(tmp_path):
    """MkDocs in strict mode: a link to a missing page or anchor, or a page left out of the nav, fails."""
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "cli" / "index.html").exists()


def test_the_readmes_links_lead_to_files_that_exist():
    readme = (ROOT / "README.md").read_text()
    targets = [t for t in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme) if "://" not in t]
    assert targets, "the README links to the docs"
    assert [t for t in targets if not (ROOT / t).exists()] == []


def shown_imports() -> list[tuple[str, str]]:
    """Every import line of the docs' ```python blocks, with its page."""
    found = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        for block in re.findall(r"^```python\n(.*?)^```", page.read_text(), re.S | re.M):
            found += [(page.name, line) for line in block.splitlines() if re.match(r"(from \S+ )?import ", line)]
    return found


@pytest.mark.parametrize("page, line", shown_imports())
def test_every_import_the_docs_show_works(page, line):
    """A module path that moved fails here, in the page that still shows it."""
    exec(line, {})


def shown_python_names() -> list[tuple[str, str]]:
    """Every dotted ``citegraph.…`` name the docs write in code (`citegraph.demo.world`), with its page; not
    the page's ``window.citegraph`` nor the store's file name; not the changelog, which names old paths."""
    found = set()
    for page in [ROOT / "README.md", *sorted(p for p in DOCS.glob("*.md") if p.name != "changelog.md")]:
        for name in re.findall(r"(?<=`)citegraph(?:\.[A-Za-z_]\w*)+", page.read_text()):
            if name != "citegraph.db":
                found.add((page.name, name))
    return sorted(found)


def resolves(name: str) -> bool:
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attribute in parts[split:]:
                value = getattr(value, attribute)
        except AttributeError:
            return False
        return True
    return False


@pytest.mark.parametrize("page, name", shown_python_names())
def test_every_module_and_function_the_docs_name_exists(page, name):
    assert resolves(name), f"docs: {page} names {name}, which does not exist (moved?)"
