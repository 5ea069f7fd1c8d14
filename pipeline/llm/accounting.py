"""Tokens and cost of every call the server answered, also when the run fails later.

Prices are known only for the models in the table: OpenAI's list prices when the endpoint
is api.openai.com, and whatever `HEARINGS_LLM__PRICES` adds anywhere. A model without a
price counts as an unpriced call: its cost is unknown, never a guess.
"""

from __future__ import annotations

import threading

from pipeline.config import LlmSettings, ModelPrice
from pipeline.llm.endpoint import is_openai
from pipeline.schemas import TokenUsage

# USD per million tokens, OpenAI's public list prices of mini-class models.
OPENAI_LIST_PRICES = {
    "gpt-4.1": ModelPrice(input_per_million=2.00, output_per_million=8.00),
    "gpt-4.1-mini": ModelPrice(input_per_million=0.40, output_per_million=1.60),
    "gpt-4.1-nano": ModelPrice(input_per_million=0.10, output_per_million=0.40),
    "gpt-4o-mini": ModelPrice(input_per_million=0.15, output_per_million=0.60),
}


def price_of(settings: LlmSettings, model: str) -> ModelPrice | None:
    if model in settings.prices:
        return settings.prices[model]
    return OPENAI_LIST_PRICES.get(model) if is_openai(settings.base_url) else None


def price_usage(settings: LlmSettings, model: str, tokens_in: int, tokens_out: int) -> TokenUsage:
    price = price_of(settings, model)
    if price is None:
        return TokenUsage(calls=1, tokens_in=tokens_in, tokens_out=tokens_out, unpriced_calls=1)
    cost = (tokens_in * price.input_per_million + tokens_out * price.output_per_million) / 1e6
    return TokenUsage(calls=1, tokens_in=tokens_in, tokens_out=tokens_out, cost_usd=cost)


class UsageLedger:
    """The running total of one client's answered calls (several threads add to it)."""

    def __init__(self) -> None:
        self._total = TokenUsage()
        self._lock = threading.Lock()

    def add(self, usage: TokenUsage) -> None:
        with self._lock:
            self._total += usage

    @property
    def total(self) -> TokenUsage:
        return self._total
