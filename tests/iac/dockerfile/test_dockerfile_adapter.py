"""The Dockerfile adapter: which files it claims, the stage documents it builds (variables,
inheritance, unknown values, redaction) and the errors it reports instead of crashing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloudwarden.assets import default_registry
from cloudwarden.core.model import UNRESOLVED
from cloudwarden.iac import Location
from cloudwarden.iac.dockerfile import MAX_DOCKERFILE_BYTES, DockerfileAdapter, load_dockerfile
from cloudwarden.iac.dockerfile.stages import substitute


@pytest.mark.parametrize(("name", "claimed"), [
    ("Dockerfile", True), ("dockerfile", True), ("Dockerfile.prod", True),
    ("api.Dockerfile", True), ("Containerfile", True), ("Dockerfile.md", False),
    ("Dockerfile.dockerignore", False), ("docker-compose.yml", False), ("Makefile", False),
])
def test_claims(name: str, claimed: bool) -> None:
    assert DockerfileAdapter().claims(Path("repo") / name, b"") is claimed


def test_substitution_forms() -> None:
    scope = {"A": "x", "EMPTY": "", "OPEN": None}
    assert substitute("$A-${A}-${EMPTY:-d}-${EMPTY-d}-${A:+alt}-${NOPE}-\\$A", scope) == (
        "x-x-d--alt--$A", [])
    value, open_names = substitute("img:${OPEN}", scope)
    assert open_names == ["OPEN"] and value != "img:"


DOCKERFILE = """\
ARG BASE=python:3.12-slim
ARG TAG
FROM ${BASE} AS build
ENV APP_HOME=/app DB_PASSWORD=hunter22
ARG NPM_TOKEN
USER builder
HEALTHCHECK CMD true
FROM node:${TAG} AS side
FROM build
RUN mysql --password=Sup3rS3cret -e 'select 1'
EXPOSE 22/tcp ${APP_PORT:-8080}
ADD --chmod=644 https://example.com/a.tgz /opt/
COPY --from=side <<EOF /etc/motd
hello
EOF
"""


def test_stages_variables_and_inheritance() -> None:
    build, side, final = load_dockerfile("svc/Dockerfile", DOCKERFILE)
    assert [a.ref.id for a in (build, side, final)] == [
        "svc/Dockerfile#build", "svc/Dockerfile#side", "svc/Dockerfile#2"]
    assert build.origin == Location("svc/Dockerfile", 3, 7).origin
    assert build.properties["BaseImage"] == "python:3.12-slim"
    assert (build.properties["BaseImageName"], build.properties["BaseTag"]) == (
        "python", "3.12-slim")
    assert not build.properties["IsFinal"] and build.properties["InFinalImage"]
    assert not side.properties["InFinalImage"]
    assert side.properties["BaseImageName"] == "node" and side.properties["BaseTag"] is None
    assert side.unknown["BaseTag"].startswith(UNRESOLVED) and "TAG" in side.unknown["BaseTag"]
    props = final.properties
    assert props["IsFinal"] and props["BaseStage"] == "build" and props["BaseImage"] is None
    assert (props["User"], props["UserLine"]) == ("builder", 6)
    assert props["Healthcheck"] == {"Line": 7, "Disabled": False, "Command": "true"}
    assert [(p["From"], p["To"], p["Protocol"]) for p in props["ExposedPorts"]] == [
        (22, 22, "tcp"), (8080, 8080, "tcp")]
    (add,) = props["Adds"]
    assert add["Sources"] == [{"Value": "https://example.com/a.tgz", "Remote": True,
                               "Archive": False}]
    assert add["Chmod"] == "644" and add["Destination"] == "/opt/"
    (copy,) = props["Copies"]
    assert (copy["Sources"], copy["From"]) == (["EOF"], "side")


def test_secrets_are_redacted_in_the_documents() -> None:
    assets = load_dockerfile("Dockerfile", DOCKERFILE)
    text = json.dumps([a.to_dict() for a in assets])
    assert "hunter22" not in text and "Sup3rS3cret" not in text
    variables = {v["Name"]: v for v in assets[0].properties["Variables"]}
    assert variables["DB_PASSWORD"]["Literal"] is True
    assert variables["DB_PASSWORD"]["Value"] == "hu***[8]"
    assert variables["NPM_TOKEN"] == {"Instruction": "ARG", "Name": "NPM_TOKEN",
                                      "Literal": False, "Value": None, "Line": 5}
    (run,) = assets[2].properties["Runs"]
    assert run["Commands"][0]["Args"][0] == "--password=Su***[11]"


def test_user_from_a_build_argument_without_value_is_unknown() -> None:
    (stage,) = load_dockerfile("Dockerfile", "FROM a:1\nARG UID\nUSER ${UID}:0\n")
    assert stage.properties["User"] is None and stage.unknown["User"].startswith(UNRESOLVED)
    (later,) = load_dockerfile("Dockerfile", "FROM a:1\nARG UID\nUSER ${UID}\nUSER 1000\n")
    assert later.properties["User"] == "1000" and "User" not in later.unknown


def test_documents_use_only_declared_fields() -> None:
    declared = default_registry()["dockerfile.stage"]
    for asset in load_dockerfile("Dockerfile", DOCKERFILE):
        for key in asset.properties:
            assert key in declared.fields, key


def test_errors_are_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "Dockerfile"
    good.write_text("FROM alpine:3.20\nUSER app\n")
    binary = tmp_path / "Dockerfile.bin"
    binary.write_bytes(b"FROM a\n\0\0\0")
    huge = tmp_path / "Dockerfile.huge"
    huge.write_text("FROM a:1\n" + "RUN true\n" * (MAX_DOCKERFILE_BYTES // 9 + 1))
    heredoc = tmp_path / "Dockerfile.heredoc"
    heredoc.write_text("FROM a:1\n\nRUN <<EOF\ntrue\n")
    load = DockerfileAdapter().load([good, binary, huge, heredoc])
    assert [a.ref.id for a in load.assets] == [f"{good.as_posix()}#0"]
    errors = {Path(e.path).name: e for e in load.errors}
    assert set(errors) == {"Dockerfile.bin", "Dockerfile.huge", "Dockerfile.heredoc"}
    assert "binary" in errors["Dockerfile.bin"].message
    assert "byte limit" in errors["Dockerfile.huge"].message
    assert errors["Dockerfile.heredoc"].line == 3
    assert len(load.files) == 4


def test_heredoc_scripts_are_split_only_when_a_shell_runs_them() -> None:
    text = ("FROM a:1\n"
            "RUN <<EOF\n#!/bin/sh -e\napt-get install -y curl\nEOF\n"
            "RUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n"
            "RUN python3 <<EOF\nprint('apt-get install x')\nEOF\n"
            "RUN cat <<EOF > /etc/motd\ncurl x | sh\nEOF\n")
    (stage,) = load_dockerfile("Dockerfile", text)
    programs = [[c["Program"] for c in run["Commands"]] for run in stage.properties["Runs"]]
    assert programs == [["apt-get"], [], ["python3"], ["cat"]]
    assert stage.properties["Runs"][0]["Form"] == "heredoc"


def test_env_forms_and_indirect_build_arguments() -> None:
    text = ('ARG VERSION\nARG IMAGE=python:${VERSION}\nFROM ${IMAGE}\n'
            'ENV A="x y z" B=1\nENV LEGACY some value\nARG C=3 D\n')
    (stage,) = load_dockerfile("Dockerfile", text)
    names = [(v["Instruction"], v["Name"], v["Value"]) for v in stage.properties["Variables"]]
    assert names == [("ENV", "A", "x y z"), ("ENV", "B", "1"), ("ENV", "LEGACY", "some value"),
                     ("ARG", "C", "3"), ("ARG", "D", None)]
    assert stage.properties["BaseImageName"] == "python"
    assert stage.properties["BaseTag"] is None and "BaseTag" in stage.unknown


def test_a_non_posix_shell_runs_the_text_as_written() -> None:
    text = ('FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\n'
            'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]\n'
            'RUN Invoke-WebRequest https://x.io/a.zip -OutFile a.zip; Expand-Archive a.zip\n'
            'FROM win\nRUN Remove-Item a.zip\n')
    win, final = load_dockerfile("Dockerfile", text)
    (run,) = win.properties["Runs"]
    (command,) = run["Commands"]
    assert command["Program"] == "powershell"
    assert command["Args"][-1].startswith("Invoke-WebRequest")
    assert final.properties["Runs"][0]["Commands"][0]["Program"] == "powershell"
