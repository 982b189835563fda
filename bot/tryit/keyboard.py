"""Where the sandbox's lines come from: the keyboard (with readline editing and Tab
completion where the platform has readline) or a script file."""

import asyncio
import sys
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Protocol

try:
    import readline
except ImportError:  # Windows: plain input(), without editing or completion
    HAS_READLINE = False
else:
    HAS_READLINE = True

Completer = Callable[[str, str], list[str]]
"""(the line before the word, the word) -> what may replace the word."""


class LineSource(Protocol):
    async def read(self, prompt: str, *, raw: bool = False) -> str | None:
        """The next line, or None at the end. ``raw``: as it is, even blank (an answer
        in a form), where a script would otherwise skip blank lines and comments."""
        ...


class ScriptLines:
    """The lines of a script, each echoed after its prompt as if typed. Blank lines are
    skipped; lines starting with ``#`` are comments, printed as they are."""

    def __init__(self, name: str, lines: list[str]) -> None:
        self._name = name
        self._lines = lines
        self._index = 0

    @property
    def where(self) -> str:
        """The file and line number of the last line read."""
        return f"{self._name} line {self._index}"

    async def read(self, prompt: str, *, raw: bool = False) -> str | None:
        while self._index < len(self._lines):
            line = self._lines[self._index].rstrip()
            self._index += 1
            if raw:
                print(prompt + line, flush=True)
                return line
            if line.startswith("#"):
                print(line, flush=True)
            elif line.strip():
                print(prompt + line, flush=True)
                return line
        return None


class Keyboard:
    """Lines typed at the terminal. ``input()`` runs on a daemon thread, so the bot keeps
    running while the person types and Ctrl-C still ends the program at once. Used as a
    context manager, it gives the terminal back as it found it (readline may be halfway
    through a line when Ctrl-C ends the program)."""

    def __init__(self, complete: Completer) -> None:
        self._loop = asyncio.get_running_loop()
        self._complete = complete
        self._matches: list[str] = []
        self._terminal: list[Any] | None = None
        self._reading = False
        self._prompt = ""
        if HAS_READLINE:
            readline.set_completer(self._completer)
            readline.set_completer_delims(" ")
            libedit = "libedit" in (readline.__doc__ or "")  # macOS's stand-in
            readline.parse_and_bind("bind ^I rl_complete" if libedit else "tab: complete")

    def __enter__(self) -> "Keyboard":
        if HAS_READLINE and sys.stdin.isatty():
            import termios

            self._terminal = termios.tcgetattr(sys.stdin.fileno())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._terminal is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._terminal)
        if self._reading:
            print()

    def _completer(self, word: str, state: int) -> str | None:
        if state == 0:
            before = readline.get_line_buffer()[: readline.get_begidx()]
            self._matches = self._complete(before, word)
        return self._matches[state] if state < len(self._matches) else None

    def interrupt(self, lines: Iterable[str]) -> None:
        """Print ``lines``; if a line is being typed, above it, and show it again."""
        if not self._reading:
            print(*lines, sep="\n", flush=True)
            return
        typed = readline.get_line_buffer() if HAS_READLINE else ""
        print("\r", *lines, sep="\n", flush=True)
        print(self._prompt + typed, end="", flush=True)

    async def read(self, prompt: str, *, raw: bool = False) -> str | None:
        self._prompt = prompt
        future: asyncio.Future[str | None] = self._loop.create_future()

        def deliver(line: str | None) -> None:
            self._reading = False
            if not future.done():
                future.set_result(line)

        def type_line() -> None:
            try:
                line: str | None = input(prompt)
            except EOFError:
                line = None
                print()
            self._loop.call_soon_threadsafe(deliver, line)

        self._reading = True
        threading.Thread(target=type_line, name="sandbox-keyboard", daemon=True).start()
        return await future
