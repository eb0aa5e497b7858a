"""The README and the pages of docs/ agree with the live click commands, and every command they show runs as
written.

A command in a ```sh block runs in a test; one in a ```shell block is shown only (it needs the network, a key
or a downloaded release), but must still name a real command and real options.
"""

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
from tests.standin import StandinS2

ROOT = Path(__file__).parent.parent
SAMPLE_NOTES = ROOT / "data" / "notes"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
README = (ROOT / "README.md").read_text()
STANDIN_PAGE = ROOT / "docs" / "getting-started.md"
SETTINGS_PAGE = ROOT / "docs" / "settings.md"
# Commands run as a user would type them, but `build --rps` defaults to 500 instead of 1, so no test sleeps.
FAST_BUILDS = {"build": {"rps": 500}}


def page_name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def docs_text() -> str:
    return "\n".join(page.read_text() for page in PAGES)


def command_sections() -> dict[str, str]:
    """The text under each ``## `citegraph NAME ...` `` heading of the docs, up to the next heading, by command."""
    sections = {}
    for page in PAGES:
        for heading, body in re.findall(
            r"^#{2,4} (`citegraph \w+[^\n]*)\n(.*?)(?=^#{1,4} |\Z)", page.read_text(), re.M | re.S
        ):
            name = re.match(r"`citegraph (\w+)", heading).group(1)
            if page.name != "cli.md":  # the generated reference is checked on its own
                sections[name] = sections.get(name, "") + heading + "\n" + body
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
            f"`citegraph {name}` option {'/'.join(option.opts)} is not in its section of the docs"
        )
        if isinstance(option.type, click.Choice) and option.name == "fmt":
            for choice in option.type.choices:
                assert choice in section, f"`citegraph {name} --format {choice}` is not in its section of the docs"


def test_every_option_the_command_sections_show_exists():
    known = {o for command in main.commands.values() for p in options(command) for o in p.opts}
    known |= {"--help", "--version"} | {o for p in main.params for o in p.opts}
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", "\n".join(command_sections().values())))
    assert shown <= known, f"options in the docs that no command has: {sorted(shown - known)}"


def test_global_options_and_environment_are_documented():
    assert "--version" in docs_text() and "--help" in docs_text()
    for command in main.commands.values():
        for option in options(command):
            if option.envvar:
                assert option.envvar in SETTINGS_PAGE.read_text(), f"{option.envvar} is not in docs/settings.md"


def shown_commands(page: Path, fence: str = "sh") -> list[list[str]]:
    """Every `citegraph ...` (or `python -m citegraph ...`) invocation in a page's blocks fenced ```FENCE,
    in order, as argument lists."""
    found = []
    for block in re.findall(rf"^```{fence}\n(.*?)^```", page.read_text(), re.S | re.M):
        for line in block.replace("\\\n", " ").splitlines():
            for segment in line.split("&&"):
                words = shlex.split(segment, comments=True)
                if words and Path(words[0]).name == "citegraph":
                    found.append(words[1:])
                elif words[:3] and Path(words[0]).name.startswith("python") and words[1:3] == ["-m", "citegraph"]:
                    found.append(words[3:])
    return found


PAGES_WITH_COMMANDS = [page for page in PAGES if shown_commands(page)]


def test_the_readme_stays_short():
    """The README says what citegraph is and leads to docs/; the guide, the reference and the
    benchmark's results live elsewhere."""
    assert README.count("\n") <= 150, "the README is for a first look: move the details to a page of docs/"


# A repository path the docs name: tests/…, bench/…, graph/…, docs/…, scripts/… or .ci/…, with a file suffix.
REPOSITORY_PATH = re.compile(r"(?<![\w/.-])((?:tests|bench|graph|docs|scripts|\.ci)/[\w./-]*\w)")


def test_the_docs_name_repository_paths():
    assert {"tests/run", "bench/README.md", "scripts/check"} <= set(REPOSITORY_PATH.findall(docs_text()))


@pytest.mark.parametrize("page", PAGES, ids=page_name)
def test_every_repository_path_a_page_names_exists(page):
    named = set(REPOSITORY_PATH.findall(page.read_text()))
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"{page_name(page)} names paths that are not in the repository: {missing}"


def test_the_readme_shows_the_demo_first_and_a_tour():
    shown = shown_commands(ROOT / "README.md")
    assert shown[0] == ["demo"], "the README's first command is the demo: it needs no network and no key"
    assert ["build", "data/notes"] in shown and ["unread", "--top", "10"] in shown
    assert {words[0] for words in shown} >= {"notes", "build", "unread", "path", "similar", "export"}


def test_the_docs_show_every_question():
    shown = {words[0] for page in PAGES for words in shown_commands(page)}
    assert shown >= {"build", "unread", "path", "similar", "citing", "show", "stats", "export", "clusters", "suggest"}


@pytest.fixture(scope="module")
def standin_url(sample_world):
    """The stand-in serving the sample world, once for this module."""
    service = StandinS2(sample_world).start()
    yield service.url
    service.stop()


@pytest.fixture(scope="module")
def built_folder(tmp_path_factory, standin_url) -> Path:
    """A folder as a user has it after the getting-started page: the sample notes in data/notes, built with
    their citing papers against the stand-in, and the demo drawn. Each page's commands run in a copy of it."""
    folder = tmp_path_factory.mktemp("user")
    shutil.copytree(SAMPLE_NOTES, folder / "data" / "notes")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for args in (["demo"], ["build", "data/notes", "--citations"]):
            result = CliRunner().invoke(main, args, env={"S2_API_URL": standin_url}, default_map=FAST_BUILDS)
            assert result.exit_code == 0, f"citegraph {shlex.join(args)}: {result.output}"
    return folder


def run_every_command(page: Path, folder: Path, standin_url: str, monkeypatch) -> None:
    """Every command the page shows, in order, in the folder."""
    monkeypatch.chdir(folder)
    for args in shown_commands(page):
        result = CliRunner().invoke(main, args, env={"S2_API_URL": standin_url}, default_map=FAST_BUILDS)
        assert result.exit_code == 0, f"{page_name(page)}: citegraph {shlex.join(args)}: {result.output}"
        assert "Traceback" not in result.output


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=page_name)
def test_every_command_a_page_shows_runs_verbatim_against_the_standin(
    page, built_folder, standin_url, tmp_path, monkeypatch
):
    """With S2_API_URL pointing at the stand-in."""
    shutil.copytree(built_folder, tmp_path / "user")
    run_every_command(page, tmp_path / "user", standin_url, monkeypatch)


def test_the_readme_tour_draws_the_map_and_writes_the_bibtex(built_folder, standin_url, tmp_path, monkeypatch):
    shutil.copytree(built_folder, tmp_path / "user")
    (tmp_path / "user" / "output" / "graph.html").unlink()
    run_every_command(ROOT / "README.md", tmp_path / "user", standin_url, monkeypatch)
    assert (tmp_path / "user" / "output" / "graph.html").exists() and (tmp_path / "user" / "unread.bib").exists()


def resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    """The (sub)command an argument list names, and the options it gives."""
    command, words = main, list(args)
    while isinstance(command, click.Group) and words and words[0] in command.commands:
        command = command.commands[words.pop(0)]
    return command, [w.split("=")[0] for w in words if w.startswith("--")]


@pytest.mark.parametrize("page", [p for p in PAGES if shown_commands(p, "shell")], ids=page_name)
def test_commands_shown_but_not_run_name_real_commands_and_options(page):
    for args in shown_commands(page, "shell"):
        command, given = resolve(args)
        assert not isinstance(command, click.Group), (
            f"{page_name(page)}: `citegraph {shlex.join(args)}` names no command"
        )
        known = {o for p in command.params for o in getattr(p, "opts", [])}
        assert set(given) <= known, f"{page_name(page)}: `citegraph {shlex.join(args)}`: {sorted(set(given) - known)}"


def test_standin_paragraph_says_what_it_is_and_its_options_exist():
    text = STANDIN_PAGE.read_text()
    paragraph = text[text.index("## No route to Semantic Scholar?") : text.index("## First questions")]
    assert "generated" in paragraph and "made up" in paragraph, "the user must know the data is not real"
    assert "kill %1" in paragraph and "429" in paragraph
    usage = subprocess.run(
        [sys.executable, "-m", "tests.standin", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    build_options = {o for p in options(main.commands["build"]) for o in p.opts}
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", paragraph))
    assert {"--rps", "--port"} <= shown
    assert all(option in usage or option in build_options for option in shown), shown
