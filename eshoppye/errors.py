"""One exception type whose message is a single line meant for a person."""

from __future__ import annotations


class EshoppyeError(Exception):
    """An expected failure (bad file, bad input, missing model...).

    The message is one line that names what is wrong; the CLI and the app show it as is,
    never with a traceback.
    """

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))
