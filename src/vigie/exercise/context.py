"""What every generator stage shares: the scenario, its vocabulary, accounts, seed and posts.

Why one object: the organic and campaign stages read the same population and append to the
same post buffer; passing them together keeps stage signatures short and explicit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigie.exercise.population import Population
from vigie.exercise.posts import PostBuffer
from vigie.exercise.scenarios import Scenario
from vigie.exercise.textgen import Bank
from vigie.exercise.timeline import rng_for


@dataclass
class Context:
    scenario: Scenario
    bank: Bank
    pop: Population
    buf: PostBuffer
    seed: int
    stealth: float

    @property
    def start(self) -> int:
        return self.scenario.start_us

    @property
    def end(self) -> int:
        return self.scenario.end_us

    def at(self, frac: float) -> int:
        """The instant at ``frac`` of the scenario's span."""
        return self.start + int(frac * (self.end - self.start))

    def rng(self, name: str) -> np.random.Generator:
        return rng_for(self.seed, name)
