"""Coverage-guided fuzzing of decoding + every reader + the fixes with atheris.

Only `InputError` (the documented refusal) may escape; anything else is a crash and a bug.

    pip install atheris
    python fuzz/fuzz_readers.py -max_total_time=60 -timeout=5 [corpus_dir]
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from gba_docs.config import ConvertOptions
    from gba_docs.errors import InputError
    from gba_docs.pipeline import read_bytes

FORMATS = ("auto", "html", "markdown", "text")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    fmt = FORMATS[data[0] % len(FORMATS)]
    try:
        read_bytes(data[1:], path="fuzz-input", options=ConvertOptions(input_format=fmt))
    except InputError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
