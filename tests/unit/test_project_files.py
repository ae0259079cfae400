"""The project's own files agree: the image builds and starts with the steps `make` runs.

DESIGN.md ("Habits"): the Dockerfile calls the same scripts the Makefile does, so CI exercises
the container's steps too. No Docker engine is needed here: these tests read the files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "Dockerfile"
COMPOSE = REPO / "docker" / "compose.yaml"
MAKEFILE = REPO / "Makefile"

# `scripts/name.sh`, also as `./scripts/name.sh` or `/app/scripts/name.sh`.
SCRIPT = re.compile(r"(?<![\w.-])(?:\.?/(?:[\w.-]+/)*)?(scripts/[\w.-]+\.sh)\b")
# A RUN that does more than call its script would smuggle in a step `make` never runs.
SHELL_CHAINING = re.compile(r"&&|\|\||[;|&`]|\$\(")


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    arguments: str

    def __str__(self) -> str:
        return f"docker/Dockerfile:{self.line}: {self.keyword} {self.arguments}"


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """Instructions with their line continuations joined and comment lines dropped."""
    instructions: list[Instruction] = []
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not parts and (not line or line.startswith("#")):
            continue
        if parts and line.startswith("#"):
            continue  # Docker drops comment lines inside a continued instruction too.
        if not parts:
            start = number
        continued = line.endswith("\\")
        parts.append(line[:-1].strip() if continued else line)
        if not continued:
            keyword, _, arguments = " ".join(p for p in parts if p).partition(" ")
            instructions.append(Instruction(start, keyword.upper(), arguments.strip()))
            parts = []
    return instructions


def without_flags(arguments: str) -> str:
    """RUN/HEALTHCHECK arguments without their leading `--mount=...`-style flags."""
    words = arguments.split(" ")
    while words and words[0].startswith("--"):
        words.pop(0)
    return " ".join(words).strip()


def command_words(arguments: str) -> list[str]:
    """The words of an exec-form (`["a", "b"]`) or shell-form command."""
    if arguments.startswith("["):
        return [str(word) for word in json.loads(arguments)]
    return arguments.split()


@dataclass
class Rule:
    prerequisites: list[str] = field(default_factory=list)
    recipe: list[str] = field(default_factory=list)


def makefile_rules(path: Path = MAKEFILE) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    current: list[Rule] = []
    for raw in path.read_text().splitlines():
        if raw.startswith("\t"):
            for rule in current:
                rule.recipe.append(raw.strip())
            continue
        match = re.match(r"^([^\s#=:][^=:]*):(?!=)(.*)$", raw)
        if match is None:
            if raw.strip() and not raw.startswith("#"):
                current = []  # a variable or directive ends the previous rule
            continue
        current = []
        for target in match.group(1).split():
            rule = rules.setdefault(target, Rule())
            rule.prerequisites.extend(match.group(2).split("#", 1)[0].split())
            current.append(rule)
    return rules


def scripts_called_in(lines: list[str]) -> set[str]:
    called: set[str] = set()
    for line in lines:
        code = line.strip()
        if code.startswith("#"):
            continue
        called.update(SCRIPT.findall(code))
    return called


def with_the_scripts_they_call(scripts: set[str]) -> set[str]:
    """Close a set of scripts over the scripts each one calls (run.sh -> prepare-data.sh)."""
    found = set(scripts)
    pending = list(scripts)
    while pending:
        script = REPO / pending.pop()
        if not script.is_file():
            continue
        for called in scripts_called_in(script.read_text().splitlines()) - found:
            found.add(called)
            pending.append(called)
    return found


def scripts_the_makefile_calls() -> set[str]:
    recipes = [line for rule in makefile_rules().values() for line in rule.recipe]
    return with_the_scripts_they_call(scripts_called_in(recipes))


def scripts_make_run_calls() -> set[str]:
    """What the `run` target's own recipe runs once its prerequisites are built.

    Not closed over what those scripts call: a container started with prepare-data.sh (which
    run.sh calls) would prepare the data and never serve.
    """
    return scripts_called_in(makefile_rules()["run"].recipe)


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [index for index, item in enumerate(instructions) if item.keyword == "FROM"]
    return instructions[starts[-1] :] if starts else instructions


def test_the_makefile_parser_finds_the_scripts_make_calls() -> None:
    # Guards the two tests below against passing because the parsing found nothing.
    called = scripts_the_makefile_calls()
    assert {"scripts/run.sh", "scripts/prepare-data.sh", "scripts/install-python.sh"} <= called
    assert "scripts/build-pwa.sh" in called


def test_every_dockerfile_run_step_calls_a_script_the_makefile_calls() -> None:
    runs = [item for item in dockerfile_instructions() if item.keyword == "RUN"]
    assert runs, "docker/Dockerfile has no RUN step at all: is this the right file?"
    make_calls = scripts_the_makefile_calls()
    offending: list[str] = []
    for run in runs:
        command = without_flags(run.arguments)
        words = command_words(command)
        match = SCRIPT.fullmatch(words[0]) if words else None
        if match is None:
            offending.append(f"{run}\n    does not start by calling a scripts/*.sh")
        elif SHELL_CHAINING.search(command):
            offending.append(f"{run}\n    does more than call {match.group(1)}")
        elif match.group(1) not in make_calls:
            offending.append(f"{run}\n    calls {match.group(1)}, which no Makefile target runs")
    assert not offending, (
        "every RUN must be one call of a script the Makefile also runs, so CI tests it:\n"
        + "\n".join(offending)
        + f"\nscripts the Makefile runs: {', '.join(sorted(make_calls))}"
    )


def test_the_container_starts_with_the_script_make_run_uses() -> None:
    stage = final_stage(dockerfile_instructions())
    starts = [item for item in stage if item.keyword in {"ENTRYPOINT", "CMD"}]
    assert starts, "the image's final stage has no CMD or ENTRYPOINT"
    entrypoints = [item for item in starts if item.keyword == "ENTRYPOINT"]
    start = entrypoints[-1] if entrypoints else starts[-1]
    words = command_words(start.arguments)
    match = SCRIPT.fullmatch(words[0]) if words else None
    assert match is not None, f"{start}\n    does not start a scripts/*.sh"
    make_run = scripts_make_run_calls()
    assert match.group(1) in make_run, (
        f"{start}\n    starts {match.group(1)}, but `make run` runs {', '.join(sorted(make_run))}"
    )


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    ci_commands = [line.strip() for line in ci if not line.strip().startswith("#")]
    assert any(re.match(r"make test\b", line) for line in ci_commands), (
        ".ci/run must run `make test`"
    )
    readme = REPO / "README.md"
    assert readme.is_file(), "README.md is missing: it tells how to `make run` and `make test`"
    text = readme.read_text()
    for command in ("make run", "make test"):
        assert command in text, f"README.md does not mention `{command}`"


def test_compose_api_service_uses_postgres() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    environment = services["api"]["environment"]
    if isinstance(environment, list):  # the `- KEY=value` spelling
        environment = dict(item.split("=", 1) for item in environment)
    url = urlparse(environment["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql"}, f"DATABASE_URL is {url.geturl()}"
    assert url.hostname == "db", f"DATABASE_URL points at {url.hostname}, not the db service"
    assert str(services["db"]["image"]).startswith("postgres"), "the db service is no PostgreSQL"
    assert services["api"]["depends_on"]["db"]["condition"] == "service_healthy", (
        "the api must wait for a healthy database: it migrates on start"
    )
