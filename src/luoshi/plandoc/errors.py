"""The one error type the parser raises for input it cannot use."""


class PlanDocError(Exception):
    """A document that cannot be read or parsed; the message is one line meant for the user."""


class InputTooLarge(PlanDocError):
    """The file (or what it expands to) is larger than the configured limit."""


class UnsupportedInput(PlanDocError):
    """The bytes are not a format the parser reads (binary, encrypted, corrupt...)."""
