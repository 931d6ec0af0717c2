"""The pathways that move workers and entities, one module per pathway, each a class that
owns its state and acts at its step of the month (`forecast.model.engine.STEPS`)."""
from forecast.model.pathways.activities import Activities
from forecast.model.pathways.apprenticeship import Apprenticeship
from forecast.model.pathways.colleges import Colleges
from forecast.model.pathways.competition import Competition
from forecast.model.pathways.craftsmen import Craftsmen
from forecast.model.pathways.demography import Demography
from forecast.model.pathways.entities import Entities
from forecast.model.pathways.night_school import NightSchool
from forecast.model.pathways.self_evaluation import SelfEvaluation

#: step name → pathway class (demography is every scenario's, built by the engine itself)
PATHWAYS = {cls.NAME: cls for cls in (Craftsmen, Colleges, SelfEvaluation, NightSchool, Apprenticeship,
                                      Competition, Activities, Entities)}

__all__ = ["PATHWAYS", "Demography"]
