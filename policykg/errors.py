"""The one error type the CLI turns into a single readable line and a non-zero exit."""


class PolicyKGError(Exception):
    """A user-facing failure: the message says what, where, and how to fix it."""

    exit_code = 2


class ValidationFailed(PolicyKGError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 1
