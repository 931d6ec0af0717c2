"""What a pathway is to the engine: a class that owns its state, reads its typed parameters and
acts at its step of every month (`forecast.model.engine.STEPS`)."""
from __future__ import annotations


class Pathway:
    """A pathway named `NAME` in the scenario's [pathways] (or, for GROUP "activities" and
    "entities", all sections of that group together)."""

    NAME = ""
    GROUP = "pathways"

    @classmethod
    def configured(cls, values) -> bool:
        """Whether the scenario has this pathway."""
        return bool(getattr(values, cls.GROUP)) if cls.GROUP != "pathways" else cls.NAME in values.pathways

    @classmethod
    def params(cls, values):
        """Its typed parameters (`scenario.schema`): a section, or a group's sections by name."""
        return getattr(values, cls.GROUP) if cls.GROUP != "pathways" else values.pathways[cls.NAME]

    def step(self, t: int) -> None:  # pragma: no cover - every pathway defines it
        raise NotImplementedError
