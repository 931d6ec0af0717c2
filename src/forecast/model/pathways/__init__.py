"""The pathways that move workers and entities, one module per pathway, each a class that
owns its state and acts at its step of the month (`forecast.model.engine.STEPS`)."""
from forecast.model.pathways.activities import Activities
from forecast.model.pathways.apprenticeship import Apprenticeship
from forecast.model.pathways.apprentice_years import ApprenticeYears
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

#: step name → pathway class (demography is every scenario's, built by the engine itself)
PATHWAYS = {cls.NAME: cls for cls in (Craftsmen, Colleges, SelfEvaluation, NightSchool, Apprenticeship,
                                      Competition, Activities, Entities)}
PATHWAYS.update({cls.NAME: cls for cls in (ApprenticeYears, SettlingIn)})

PATHWAYS[Prizes.NAME] = Prizes
PATHWAYS[Titles.NAME] = Titles
PATHWAYS[Sessions.NAME] = Sessions

__all__ = ["PATHWAYS", "Demography"]
