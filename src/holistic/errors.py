"""Errors a user can cause. The CLI prints them as one line `error: ...` and exits with status 2."""


class HolisticError(Exception):
    """Base class for every error caused by user input (bad descriptions, missing data, ...)."""


class DescriptionError(HolisticError):
    """A RunSpec description or run-expander value is malformed."""


class UnknownNameError(HolisticError):
    """A name (scenario, model, expander value, ...) is not registered."""


class DataError(HolisticError):
    """A scenario's data is missing, empty or malformed."""


class ConfigError(HolisticError):
    """A conf file, credentials file or command-line option is invalid."""


class MissingCredentialsError(HolisticError):
    """A model client needs a key that is not configured."""


def one_of(values, given: object = None) -> str:
    """Render the valid choices for an error message, abbreviating long lists; suggest a near match."""
    values = [str(v) for v in values]
    hint = ""
    if given is not None:
        import difflib

        close = difflib.get_close_matches(str(given), values, n=1)
        if close:
            hint = f"did you mean {close[0]}? "
    if len(values) > 12:
        return hint + "one of " + ", ".join(values[:12]) + f", ... ({len(values)} in all)"
    return hint + "one of " + ", ".join(values)


class SandboxError(HolisticError):
    """Model-written code cannot be run here (the sandbox cannot start its programs)."""
