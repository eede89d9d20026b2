"""luoshi.plandoc: a Chinese work-plan document -> a traceable task tree. Never imports Django."""

from .core import load, parse, parse_source
from .errors import InputTooLarge, PlanDocError, UnsupportedInput
from .model import Deadline, Node, Plan, Ref, Target, Unit, UnitRef

__all__ = [
    "Deadline", "InputTooLarge", "Node", "Plan", "PlanDocError", "Ref", "Target", "Unit", "UnitRef",
    "UnsupportedInput", "load", "parse", "parse_source",
]
