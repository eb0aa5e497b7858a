"""The README and the live click commands agree, and every command the README shows runs as written."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from citegraph.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text()
SAMPLE_NOTES = Path(__file__).parent.parent / "data" / "notes"


def command_sections() -> dict[str, str]:
    """The text under each `### \\`citegraph NAME ...\\`` heading, by command name."""
    commands = README[README.index("## Commands") : README.index("\n## ", README.index("## Commands") + 1)]
    sections = {}
    for part in commands.split("\n### ")[1:]:
        name = re.match(r"`citegraph (\w+)", part)
        assert name, f"a Commands heading that names no command: {part.splitlines()[0]}"
        sections[name.group(1)] = part
    return sections


def options(command: click.Command) -> list[click.Option]:
    """A command's options; for a group (``datasets``), its subcommands' options too."""
    found = [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]
    for sub in getattr(command, "commands", {}).values():
        found += options(sub)
    return found


def test_every_command_has_a_section():
    assert set(command_sections()) == set(main.commands)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_is_in_its_commands_section(name):
    section = command_sections()[name]
    for option in options(main.commands[name]):
        long_names = [o for o in option.opts if o.startswith("--")]
        assert any(re.search(rf"{re.escape(o)}\b", section) for o in long_names), (
            f"`citegraph {name}` option {'/'.join(option.opts)} is not in its README section"
        )
        if isinstance(option.type, click.Choice) and option.name == "fmt":
            for choice in option.type.choices:
                assert choice in section, f"`citegraph {name} --format {choice}` is not in its README section"


def test_every_option_the_readme_shows_exists():
    known = {o for command in main.commands.values() for p in options(command) for o in p.opts}
    known |= {"--help", "--version"} | {o for p in main.params for o in p.opts}
    shown = set(
        re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", README[README.index("## Commands") : README.index("## The map")])
    )
    assert shown <= known, f"options in the README that no command has: {sorted(shown - known)}"


def test_global_options_and_environment_are_documented():
    assert "--version" in README and "--help" in README
    for command in main.commands.values():
        for option in options(command):
            if option.envvar:
                assert option.envvar in README, f"{option.envvar} is not in the README"


def readme_commands() -> list[list[str]]:
    """Every `citegraph ...` invocation in the README's sh blocks, in order, as argument lists."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            for segment in line.split("&&"):
                words = shlex.split(segment, comments=True)
                if words and Path(words[0]).name == "citegraph":
                    found.append(words[1:])
    return found


def test_readme_shows_the_quick_start_and_examples():
    shown = readme_commands()
    assert ["build", "data/notes"] in shown and ["unread", "--top", "10"] in shown
    assert {words[0] for words in shown} >= {"build", "unread", "path", "similar", "citing", "show", "stats", "export"}


def test_readme_commands_run_verbatim_against_the_standin(standin, tmp_path, monkeypatch):
    """In a fresh folder holding the sample notes, as a new user would, with S2_API_URL pointing at
    the stand-in. Only `build --rps` defaults to 500 instead of 1, so the test does not sleep."""
    shutil.copytree(SAMPLE_NOTES, tmp_path / "data" / "notes")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in readme_commands():
        result = runner.invoke(main, args, env={"S2_API_URL": standin.url}, default_map={"build": {"rps": 500}})
        assert result.exit_code == 0, f"citegraph {shlex.join(args)}: {result.output}"
        assert "Traceback" not in result.output
    assert (tmp_path / "output" / "graph.html").exists() and (tmp_path / "unread.bib").exists()


def test_standin_paragraph_says_what_it_is_and_its_options_exist():
    paragraph = README[README.index("**No route to Semantic Scholar?**") : README.index("Then explore:")]
    assert "generated" in paragraph and "made up" in paragraph, "the user must know the data is not real"
    assert "kill %1" in paragraph and "429" in paragraph
    root = Path(__file__).parent.parent
    usage = subprocess.run(
        [sys.executable, "-m", "tests.standin", "--help"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    build_options = {o for p in options(main.commands["build"]) for o in p.opts}
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", paragraph))
    assert {"--rps", "--port"} <= shown
    assert all(option in usage or option in build_options for option in shown), shown
