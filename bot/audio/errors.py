"""What can go wrong with a member's track: each error's text is the answer they read."""

from bot.errors import InvalidInput


class AudioRejected(InvalidInput):
    """A track the analysis cannot take. It comes back from a worker process as it was
    raised (pickled by its text, not by its constructor's arguments)."""

    def __reduce__(self) -> tuple[object, tuple[type["AudioRejected"], str]]:
        return _rebuild, (type(self), str(self))


def _rebuild(kind: type[AudioRejected], text: str) -> AudioRejected:
    error = kind.__new__(kind)
    InvalidInput.__init__(error, text)
    return error


class NotAudio(AudioRejected):
    def __init__(self, name: str) -> None:
        super().__init__(f"`{name}` is not an audio file I can read.")


class CorruptAudio(AudioRejected):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"`{name}` looks like audio but is damaged (it stops or breaks off while decoding). "
            "Export it again and send the new file."
        )


class UnsupportedCodec(AudioRejected):
    def __init__(self, name: str, codec: str) -> None:
        super().__init__(
            f"`{name}` is encoded as {codec}, which I can't decode. Export it as WAV, AIFF, "
            "FLAC, MP3, OGG/Opus or M4A/AAC."
        )


class SilentAudio(AudioRejected):
    def __init__(self, name: str) -> None:
        super().__init__(f"`{name}` is silent: there is nothing to measure.")


class TooLong(AudioRejected):
    def __init__(self, name: str, limit_minutes: int) -> None:
        super().__init__(
            f"`{name}` is longer than {limit_minutes} minutes, the longest track I analyse."
        )


class TooLarge(AudioRejected):
    def __init__(self, name: str, size: int, limit: int) -> None:
        super().__init__(
            f"`{name}` is {size / 2**20:.1f} MiB, more than the {limit / 2**20:.0f} MiB I take."
        )


class TooShort(AudioRejected):
    def __init__(self, name: str) -> None:
        super().__init__(f"`{name}` is too short to measure: send at least a second of audio.")
