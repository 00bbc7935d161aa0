"""The pure parts of jsv.observations.slurm_accounting: what a role's sacct check printed."""

from __future__ import annotations

from jsv.environments.machine import CommandResult
from jsv.observations.slurm_accounting import ROLES, EnvVarsRead, env_vars_check, parse_env_check


def result(stdout: str) -> CommandResult:
    return CommandResult("login", "oper", "sacct ...", 0, stdout, "")


def test_counts_are_read_from_the_check_line() -> None:
    read = parse_env_check("oper", result("exit=0 variables=41 token-variable=1 token-matches=1\n"))
    assert read == EnvVarsRead("oper", 0, 41, True, True)
    assert read.shown == "41 variables, alice's token"


def test_a_refused_sacct_and_an_empty_environment_are_told_apart() -> None:
    refused = parse_env_check(
        "bob", result("exit=1 variables=0 token-variable=0 token-matches=0\nsacct: error")
    )
    empty = parse_env_check("bob", result("exit=0 variables=0 token-variable=0 token-matches=0\n"))
    assert refused.shown == "refused (exit 1)"
    assert empty.shown == "no environment"
    assert not refused.token_matches and not empty.token_variable


def test_the_token_variable_without_alices_value_is_no_token() -> None:
    read = parse_env_check("coord", result("exit=0 variables=30 token-variable=1 token-matches=0"))
    assert read.token_variable and not read.token_matches
    assert read.shown == "30 variables, no token"


def test_missing_counts_read_as_zero() -> None:
    assert parse_env_check("root", result("")) == EnvVarsRead("root", 0, 0, False, False)


def test_the_check_compares_on_the_node_and_prints_no_value() -> None:
    command = env_vars_check("42")
    assert "sacct -j 42 --env-vars" in command
    assert 'grep -cxF "JUPYTERHUB_API_TOKEN=$T"' in command  # the value stays in the shell's variable
    assert "cat " not in command


def test_roles_run_from_plain_user_to_root() -> None:
    assert list(ROLES) == ["bob", "coord", "oper", "sadmin", "root"]
