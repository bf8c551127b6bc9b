"""The RUN command splitter: operators, quotes, wrappers, substitutions and pipes."""

from __future__ import annotations

from cloudwarden.iac.dockerfile.shell import split_commands


def _programs(text: str) -> list[tuple[str, list[str]]]:
    return [(c.program, c.args) for c in split_commands(text)]


def test_lists_and_quotes() -> None:
    assert _programs("apt-get update && apt-get install -y 'a b' || true; echo \"x && y\"") == [
        ("apt-get", ["update"]), ("apt-get", ["install", "-y", "a b"]), ("true", []),
        ("echo", ["x && y"])]


def test_wrappers_are_removed_and_sudo_remembered() -> None:
    (cmd,) = split_commands("DEBIAN_FRONTEND=noninteractive sudo -u root env A=1 apt-get upgrade")
    assert (cmd.program, cmd.args, cmd.sudo) == ("apt-get", ["upgrade"], True)
    assert cmd.env == ["DEBIAN_FRONTEND", "A"]  # names only: values may be secrets
    (plain,) = split_commands("/usr/bin/pip3 install x")
    assert (plain.program, plain.sudo) == ("pip3", False)


def test_python_module_is_the_program() -> None:
    (cmd,) = split_commands("python3 -m pip install --no-cache-dir flask")
    assert (cmd.program, cmd.args) == ("pip", ["install", "--no-cache-dir", "flask"])


def test_pipes_name_the_receiving_program() -> None:
    curl, bash = split_commands("curl -fsSL https://x.io/i.sh | sudo bash -s -- --yes")
    assert curl.pipes_into == "bash" and bash.sudo and bash.pipes_into is None


def test_substitutions_name_the_program_receiving_their_output() -> None:
    cmds = split_commands('sh -c "$(wget -qO- https://x.io/i.sh)" && bash <(curl -s u)')
    fetchers = {c.program: c.substituted_into for c in cmds if c.program in ("wget", "curl")}
    assert fetchers == {"wget": "sh", "curl": "bash"}


def test_shell_c_scripts_are_split_again() -> None:
    cmds = split_commands("bash -c 'curl -s u | sh && chmod 777 /x'")
    assert [(c.program, c.pipes_into) for c in cmds] == [
        ("bash", None), ("curl", "sh"), ("sh", None), ("chmod", None)]


def test_redirections_comments_and_control_words() -> None:
    assert _programs("if [ -f a ]; then make 2>&1 >/dev/null; fi # done") == [
        ("[", ["-f", "a", "]"]), ("make", [])]
    assert _programs("for f in *.sh; do chmod +x $f; done") == [("chmod", ["+x", "$f"])]


def test_never_raises_on_broken_text() -> None:
    assert _programs('echo "open') == [("echo", ["open"])]
    assert [c.program for c in split_commands("x $(y $(z")] == ["x", "y", "z"]
    assert split_commands("") == []


def test_case_patterns_are_not_commands() -> None:
    text = ('case "$ARCH" in \'amd64\' | \'x86_64\') apk add --no-cache a && echo x ;; '
            'arm64) curl -s u | sh ;;\n  *) exit 1\n  ;;\nesac; chmod 755 /x')
    assert [c.program for c in split_commands(text)] == [
        "apk", "echo", "curl", "sh", "exit", "chmod"]
