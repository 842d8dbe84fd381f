"""`staketrack`'s options as a user reads them: the version, and every option's default
in its help."""

from __future__ import annotations

import argparse
from importlib import metadata

import pytest

from api.cli import main, parser, seed_workers


def _subparsers(command: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = []
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += [sub, *_subparsers(sub)]
    return found


def test_version_is_the_installed_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"staketrack {metadata.version('staketrack')}"


def test_every_option_with_a_default_shows_it_in_the_help() -> None:
    commands = _subparsers(parser())
    assert {c.prog for c in commands} >= {
        "staketrack serve",
        "staketrack fetch",
        "staketrack positions",
        "staketrack demo seed",
    }
    shown = 0
    for command in commands:
        text = " ".join(command.format_help().split())
        for action in command._actions:
            if action.help is None or not action.option_strings or action.dest == "help":
                continue
            assert action.help.split("(")[0].split()[0] in text, (command.prog, action.dest)
            if action.required or action.default in (None, False):
                assert "(default: None)" not in text and "(default: False)" not in text
            else:
                assert f"(default: {action.default})" in text, (command.prog, action.dest)
                shown += 1
    assert shown >= 3  # fetch --chain, demo seed --days and --workers


def test_seed_defaults() -> None:
    args = parser().parse_args(["demo", "seed"])
    assert (args.days, args.workers, args.json) == (90, seed_workers(), False)
    assert 1 <= seed_workers() <= 4
