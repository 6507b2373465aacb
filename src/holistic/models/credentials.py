"""Credentials: `<local-path>/credentials.conf` (HOCON) and environment variables. Never logged."""

from __future__ import annotations

import os
from pathlib import Path

from holistic.errors import ConfigError, MissingCredentialsError

# credentials.conf key -> environment variable that can supply it instead.
ENVIRONMENT_VARIABLES = {
    "openaiApiKey": "OPENAI_API_KEY",
    "openaiOrgId": "OPENAI_ORG_ID",
    "ai21ApiKey": "AI21_API_KEY",
    "cohereApiKey": "COHERE_API_KEY",
    "gooseaiApiKey": "GOOSEAI_API_KEY",
    "gooseaiOrgId": "GOOSEAI_ORG_ID",
    "anthropicApiKey": "ANTHROPIC_API_KEY",
    "microsoftApiKey": "MICROSOFT_API_KEY",
    "microsoftOrgId": "MICROSOFT_ORG_ID",
    "togetherApiKey": "TOGETHER_API_KEY",
    "perspectiveApiKey": "PERSPECTIVE_API_KEY",
}


class Credentials:
    """Read-only view of the configured secrets. `repr` never shows values."""

    def __init__(self, values: dict[str, str], source: str) -> None:
        self._values = dict(values)
        self._source = source

    def __repr__(self) -> str:
        return f"Credentials(keys={sorted(self._values)}, source={self._source!r})"

    @property
    def source(self) -> str:
        """The credentials.conf these values came from (where a missing key should be added)."""
        return self._source

    def get(self, key: str) -> str | None:
        env = ENVIRONMENT_VARIABLES.get(key)
        if env and os.environ.get(env):
            return os.environ[env]
        return self._values.get(key)

    def require(self, key: str) -> str:
        value = self.get(key)
        if not value:
            env = ENVIRONMENT_VARIABLES.get(key)
            where = f"add `{key}: ...` to {self._source}" + (f" or set {env}" if env else "")
            raise MissingCredentialsError(f"missing credential {key} ({where})")
        return value

    def secrets(self) -> list[str]:
        """Every configured secret value (used to scrub logs and error messages)."""
        values = [v for v in self._values.values() if v]
        values += [os.environ[e] for e in ENVIRONMENT_VARIABLES.values() if os.environ.get(e)]
        return values


def load_credentials(local_path: str | os.PathLike) -> Credentials:
    path = Path(local_path) / "credentials.conf"
    if not path.exists():
        return Credentials({}, str(path))
    from pyhocon import ConfigFactory
    from pyhocon.exceptions import ConfigException

    try:
        conf = ConfigFactory.parse_file(str(path))
    except (ConfigException, Exception) as e:  # pyparsing errors are not ConfigExceptions
        raise ConfigError(
            f"cannot parse {path}: {type(e).__name__} (expected HOCON `key: value` lines)"
        ) from None
    return Credentials({k: str(v) for k, v in conf.items()}, str(path))


def scrub(text: str, credentials: Credentials | None) -> str:
    """Replace every secret value in `text` by `***`."""
    if credentials is None:
        return text
    for secret in credentials.secrets():
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
