"""The SimPy processes that move workers and entities, one module per pathway.

Order matters only within a month: demography first (exits, hires), then the pathways.
"""
from .activities import activities
from .apprenticeship import apprenticeship
from .colleges import colleges
from .competition import competition
from .craftsmen import craftsmen
from .demography import demography
from .entities import entities
from .night_school import night_school
from .self_evaluation import self_evaluation

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
