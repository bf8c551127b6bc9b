"""Asset types that exist only in code: Dockerfile stages, files scanned for secrets.

Filled by the Dockerfile and secrets adapters (`cloudwarden.iac.dockerfile`,
`cloudwarden.iac.secrets`).

A Dockerfile gives one `dockerfile.stage` per `FROM`: what the stage builds on, what it runs
and what it leaves behind (user, health check, exposed ports). Shell commands of `RUN` are
split into simple commands (`Runs[].Commands[]`) so that rules judge programs and arguments,
not raw text. Values are written as the build would see them, with `ARG`/`ENV` substituted;
a value that depends on a build argument without a default is listed in `Asset.unknown`.

A scanned file gives one `secrets.file` listing the secrets found in it. **No secret value is
ever stored**: each one is described by its kind, line, attribute name and a redacted
fingerprint (a few leading characters and the length).
"""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType, F

DOCKERFILE_STAGE = AssetType(
    name="dockerfile.stage",
    provider="dockerfile",
    title="Dockerfile build stage",
    id_field="Path",
    fields={
        "Path": F("str", "the Dockerfile's path, as scanned", nullable=False),
        "Index": F("int", "0-based position of the stage in the file", nullable=False),
        "Name": F("str", "the stage name (`FROM ... AS name`), null when unnamed"),
        "IsFinal": F("bool", "the last stage of the file: what `docker build` ships",
                     nullable=False),
        "InFinalImage": F("bool", "the stage's layers are in the final image: the final stage "
                          "and every stage it builds FROM, transitively", nullable=False),
        "BaseImage": F("str", "the FROM image as the build sees it (ARGs substituted)"),
        "BaseImageName": F("str", "the image repository without tag or digest"),
        "BaseTag": F("str", "the image tag, null when none is given"),
        "BaseDigest": F("str", "the `sha256:...` digest the image is pinned to, or null"),
        "BaseStage": F("str", "the earlier stage this one builds FROM, or null"),
        "BaseIsScratch": F("bool", "FROM scratch (an empty image)"),
        "Platform": F("str", "the `--platform` flag of FROM, or null"),
        "User": F("str", "user the stage ends with (last USER, inherited from its base stage), "
                  "without the `:group` part; null when never set in the file"),
        "UserLine": F("int", "line of the USER instruction that set `User`"),
        "Healthcheck": F("dict", "{Line, Disabled, Command} of the HEALTHCHECK in effect at the "
                         "end of the stage (inherited from its base stage), or null"),
        "Healthcheck.Line": F("int", "line of the HEALTHCHECK instruction"),
        "Healthcheck.Disabled": F("bool", "HEALTHCHECK NONE"),
        "Healthcheck.Command": F("str", "the check command as written"),
        "ExposedPorts": F("list", "[{From, To, Protocol, Line, Text}] of EXPOSE"),
        "ExposedPorts[].From": F("int", "first port of the range; null when unresolved"),
        "ExposedPorts[].To": F("int", "last port of the range (From for a single port)"),
        "ExposedPorts[].Protocol": F("str", "tcp or udp"),
        "ExposedPorts[].Line": F("int", "line of the EXPOSE instruction"),
        "ExposedPorts[].Text": F("str", "the port as written"),
        "Instructions": F("list", "[{Instruction, Line, EndLine, Flags}] in order"),
        "Instructions[].Instruction": F("str", "upper-case keyword (RUN, COPY, ...)"),
        "Instructions[].Line": F("int", "first line"),
        "Instructions[].EndLine": F("int", "last line (continuations and heredocs included)"),
        "Instructions[].Flags": F("list[str]", "`--name=value` flags as written"),
        "Runs": F("list", "[{Line, Form, Mounts, Commands}] of RUN"),
        "Runs[].Line": F("int", "line of the RUN instruction"),
        "Runs[].Form": F("str", "shell, exec (JSON array) or heredoc; a shell form run by a "
                         "non-POSIX SHELL (powershell, cmd) is one command: that shell"),
        "Runs[].Mounts": F("list", "[{Type, Target, Id}] of `--mount` flags"),
        "Runs[].Mounts[].Type": F("str", "bind, cache, tmpfs, secret or ssh"),
        "Runs[].Mounts[].Target": F("str", "mount target path, or null"),
        "Runs[].Mounts[].Id": F("str", "mount id (secrets), or null"),
        "Runs[].Commands": F("list", "[{Program, Args, Sudo, PipesInto, SubstitutedInto, Env}]: "
                             "the simple commands, in order"),
        "Runs[].Commands[].Program": F("str", "base name of the program, after wrappers "
                                       "(sudo, env, VAR=value) are removed; `python -m pip` "
                                       "is `pip`"),
        "Runs[].Commands[].Args": F("list[str]", "arguments after the program, unquoted"),
        "Runs[].Commands[].Sudo": F("bool", "the command runs through sudo"),
        "Runs[].Commands[].PipesInto": F("str", "program the output is piped to, or null"),
        "Runs[].Commands[].SubstitutedInto": F("str", "program whose arguments hold this "
                                               "command's output (`$(...)`, `<(...)`), or null"),
        "Runs[].Commands[].Env": F("list[str]", "names of the `NAME=value` assignments before "
                                   "the program (their values are not kept)"),
        "Adds": F("list", "[{Line, Sources, Destination, Checksum, Chmod}] of ADD"),
        "Adds[].Line": F("int", "line of the ADD instruction"),
        "Adds[].Sources": F("list", "[{Value, Remote, Archive}]"),
        "Adds[].Sources[].Value": F("str", "the source as written"),
        "Adds[].Sources[].Remote": F("bool", "an http(s) URL or a git repository"),
        "Adds[].Sources[].Archive": F("bool", "a local tar archive (ADD extracts it)"),
        "Adds[].Destination": F("str", "destination path"),
        "Adds[].Checksum": F("str", "the `--checksum` flag, or null"),
        "Adds[].Chmod": F("str", "the `--chmod` flag, or null"),
        "Copies": F("list", "[{Line, Sources, Destination, From, Chmod}] of COPY"),
        "Copies[].Line": F("int", "line of the COPY instruction"),
        "Copies[].Sources": F("list[str]", "sources as written (heredoc names included)"),
        "Copies[].Destination": F("str", "destination path"),
        "Copies[].From": F("str", "the `--from` stage or image, or null"),
        "Copies[].Chmod": F("str", "the `--chmod` flag, or null"),
        "Variables": F("list", "[{Instruction, Name, Literal, Value, Line}] of ENV and ARG"),
        "Variables[].Instruction": F("str", "ENV or ARG"),
        "Variables[].Name": F("str", "variable name"),
        "Variables[].Literal": F("bool", "a literal value is written (not empty, not a "
                                 "variable reference, not a placeholder such as <token>)"),
        "Variables[].Value": F("str", "the value, with any secret in it redacted; null for an "
                               "ARG without default"),
        "Variables[].Line": F("int", "line of the instruction"),
    },
)

SECRETS_FILE = AssetType(
    name="secrets.file",
    provider="secrets",
    title="File scanned for secrets",
    id_field="Path",
    fields={
        "Path": F("str", "the file's path, as scanned", nullable=False),
        "Format": F("str", "how the file was read: terraform, yaml, json, env, properties, "
                    "ini, shell, python, dockerfile, pem or text", nullable=False),
        "Lines": F("int", "number of lines", nullable=False),
        "Secrets": F("list", "[{Kind, Line, Attribute, Fingerprint, Location}] found, in "
                     "file order; values are never stored", nullable=False),
        "Secrets[].Kind": F("str", "aws_access_key_id, aws_secret_access_key, private_key, "
                            "github_token, gitlab_token, slack_token, slack_webhook, "
                            "stripe_key, google_api_key, jwt, connection_string, password, "
                            "generic_secret"),
        "Secrets[].Line": F("int", "1-based line of the secret"),
        "Secrets[].Attribute": F("str", "the key or variable the value is assigned to, or null"),
        "Secrets[].Fingerprint": F("str", "redacted form: a few leading characters (at most a "
                                   "quarter of the value, never more than 4) and the length"),
        "Secrets[].Location": F("str", "`path:line`"),
    },
)

ALL: tuple[AssetType, ...] = (DOCKERFILE_STAGE, SECRETS_FILE)
