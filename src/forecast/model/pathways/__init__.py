"""The mechanisms the engine knows, one module each: a pathway's section (what the scenario
says of it: a typed dataclass with its reader and checks) beside the class that owns its state
and acts at its step of every month.

`PATHWAYS` is the one ordered registry: the engine's month runs their steps in this order,
between "durations end" and the month-end snapshot (`forecast.model.engine.STEPS` is derived
from it), and the scenario's sections are read by it (`SECTIONS`). To add a mechanism: a module
here with its section and its `Pathway` subclass, and its place in `PATHWAYS`.
"""
from forecast.model.pathways.activities import Activities
from forecast.model.pathways.apprenticeship import Apprenticeship
from forecast.model.pathways.apprentice_years import ApprenticeYears
from forecast.model.pathways.base import Pathway
from forecast.model.pathways.colleges import Colleges
from forecast.model.pathways.competition import Competition
from forecast.model.pathways.craftsmen import Craftsmen
from forecast.model.pathways.demography import Demography
from forecast.model.pathways.entities import Entities
from forecast.model.pathways.night_school import NightSchool
from forecast.model.pathways.prizes import Prizes
from forecast.model.pathways.self_evaluation import SelfEvaluation
from forecast.model.pathways.sessions import Sessions
from forecast.model.pathways.settling_in import SettlingIn
from forecast.model.pathways.titles import Titles

#: every pathway, in the order of the month's steps (demography, every scenario's, first)
PATHWAYS: tuple[type[Pathway], ...] = (
    Demography, SettlingIn, Craftsmen, Titles, Colleges, SelfEvaluation, Sessions, NightSchool, Apprenticeship,
    ApprenticeYears, Competition, Prizes, Activities, Entities)
#: the scenario's groups of optional sections: group → name → section class ("activities" and
#: "entities" take any name, each a section of the group's one class)
SECTIONS = {"pathways": {cls.NAME: cls.SECTION for cls in PATHWAYS if cls.GROUP == "pathways"},
            "activities": Activities.SECTION, "entities": Entities.SECTION}

__all__ = ["PATHWAYS", "SECTIONS", "Pathway"]
