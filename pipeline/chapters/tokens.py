"""Token counting for prompt budgets, as close to the model's own count as can be had offline.

- OpenAI's models: tiktoken, when its encoding is on disk (below), else 4 characters a token.
- Any other server: its own tokenizer (`/tokenize`, see pipeline.llm.tokenize) counts
  samples of the texts the prompts carry once, and their characters per token size every
  window. Other models' tokenizers cut English finer than OpenAI's (SmolLM2: ~2.9
  characters a token, 40 % more tokens than the 4-character rule says).
- A server without a tokenizer: a conservative 3 characters a token.

tiktoken downloads its encoding file from the internet on first use and has no offline
switch, so an offline machine (and every test) would hang on or fail at that download.
We use tiktoken only when the encoding already sits in its cache folder
(`TIKTOKEN_CACHE_DIR`, filled by running `tiktoken.get_encoding("o200k_base")` once on a
connected machine); otherwise we count about one token per four characters, OpenAI's
published rule of thumb for English, which is close enough to size windows.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

ENCODING_NAME = "o200k_base"
# tiktoken caches a download under sha1(URL); this is the URL its o200k_base loader reads.
ENCODING_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
CHARACTERS_PER_TOKEN = 4.0
CONSERVATIVE_CHARACTERS_PER_TOKEN = 3.0
SAMPLE_CHARACTERS = 20_000


class TokenCounter(Protocol):
    name: str

    def count(self, text: str) -> int: ...


class ApproximateCounter:
    def __init__(
        self, characters_per_token: float = CHARACTERS_PER_TOKEN, source: str = ""
    ) -> None:
        self.characters_per_token = characters_per_token
        self.name = f"{source or 'approximate'} ({characters_per_token:.2f} characters per token)"

    def count(self, text: str) -> int:
        return math.ceil(len(text) / self.characters_per_token)


class TiktokenCounter:
    def __init__(self) -> None:
        import tiktoken

        self.name = f"tiktoken {ENCODING_NAME}"
        self._encoding = tiktoken.get_encoding(ENCODING_NAME)

    def count(self, text: str) -> int:
        return len(self._encoding.encode(text, disallowed_special=()))


def tiktoken_cache_file() -> Path:
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    folder = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "data-gym-cache"
    return folder / hashlib.sha1(ENCODING_URL.encode()).hexdigest()


@lru_cache(maxsize=1)
def token_counter() -> TokenCounter:
    """The best counter available without touching the network."""
    if tiktoken_cache_file().is_file():
        return TiktokenCounter()
    log.info("tiktoken's %s file is not cached; estimating tokens from characters", ENCODING_NAME)
    return ApproximateCounter()


class ServerTokenizer(Protocol):
    def count_tokens(self, text: str) -> int | None: ...


def counter_for(server: ServerTokenizer, is_openai: bool, samples: Sequence[str]) -> TokenCounter:
    """The counter for one endpoint (see the module's docstring).

    `samples` are texts like those the prompts will carry (plain transcript, the numbered
    condensed view); the fewest characters per token among them sizes every window, since
    a tokenizer that spells numbers digit by digit cuts line numbers much finer than words.
    """
    if is_openai:
        return token_counter()
    ratios = []
    for sample in (middle_of(text, SAMPLE_CHARACTERS) for text in samples if text):
        tokens = server.count_tokens(sample)
        if not tokens:
            break
        ratios.append(len(sample) / tokens)
    if ratios:
        return ApproximateCounter(min(ratios), source="calibrated by the server")
    log.info(
        "the server counts no tokens; assuming %.1f characters a token",
        CONSERVATIVE_CHARACTERS_PER_TOKEN,
    )
    return ApproximateCounter(CONSERVATIVE_CHARACTERS_PER_TOKEN, source="conservative")


def middle_of(text: str, characters: int) -> str:
    start = max(0, (len(text) - characters) // 2)
    return text[start : start + characters]
