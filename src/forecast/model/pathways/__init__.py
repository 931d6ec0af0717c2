"""The SimPy processes that move workers and entities, one module per pathway.

Order matters only within a month: demography first (exits, hires), then the pathways.
"""
from forecast.model.pathways.activities import activities
from forecast.model.pathways.apprenticeship import apprenticeship
from forecast.model.pathways.colleges import colleges
from forecast.model.pathways.competition import competition
from forecast.model.pathways.craftsmen import craftsmen
from forecast.model.pathways.demography import demography
from forecast.model.pathways.entities import entities
from forecast.model.pathways.night_school import night_school
from forecast.model.pathways.self_evaluation import self_evaluation

PROCESSES = (
    ("demography", demography),
    ("craftsmen", craftsmen),
    ("colleges", colleges),
    ("self_evaluation", self_evaluation),
    ("night_school", night_school),
    ("apprenticeship", apprenticeship),
    ("competition", competition),
    ("activities", activities),
    ("entities", entities),
)
