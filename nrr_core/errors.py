"""The one exception type the package raises for problems a user can fix."""


class NrrError(Exception):
    """A problem with the user's input or request, worded for the user.

    The command line prints ``str(error)`` as a single line on stderr and exits
    non-zero; the app shows it as a plain message. Never carries a traceback
    to the user.
    """


class InputError(NrrError):
    """A bad input file: the message names the file, the line and the problem."""

    def __init__(self, file: str, line: int | None, problem: str):
        self.file, self.line, self.problem = file, line, problem
        where = f"{file}: line {line}" if line else file
        super().__init__(f"{where}: {problem}")
