"""Deterministic demo content: organisations, technology needs (需求) and research results (成果).

Pure Python on purpose (no Django): the demo loader turns these dicts into model rows, and the
tests check the content itself without a database.

Where things are
----------------
* ``data/*.json``: the content itself: organisations, products, topics, the English items and
  the rules and shares the generators follow (see ``data/README.md``). Edit these to change
  what the demo says.
* ``tables.py`` reads them; ``generators.py`` combines them with ``random.Random(seed)``.

What is here
------------
* ``ENTERPRISES`` (40), ``INSTITUTIONS`` (25), ``STATIONS`` (4): fixed tables.
* ``generate_needs(seed)`` (200) and ``generate_results(seed)`` (400): built from topic
  templates x the enterprises' real local products, so the same seed always gives the same
  content (dates are day offsets, never "now").
* ``intended_pairs(seed)``: the (need key, result key) pairs where a result was written to solve
  that need. Handy to eyeball the matcher on the demo; NOT an evaluation set.

How the texts are made
----------------------
Each topic (one or two per child category) carries two voices: the colloquial way a
co-operative manager describes a problem (local produce names such as 洋芋 for 马铃薯, numbers,
no jargon) and the academic/patent way a research team describes a solution. A need and a
result built from the same topic and product really answer each other while sharing few words,
which is exactly the gap the matcher has to bridge. Look-alike results (same product, other
problem; or same problem, other product, or not serving the need's province) are added on
purpose so that ranking has something to get wrong.
"""

from matchmaking.demo.generators import generate_needs, generate_results, intended_pairs
from matchmaking.demo.tables import (
    CATEGORY_TREE,
    ENTERPRISES,
    INSTITUTIONS,
    NEED_STATUS_SHARES,
    PRODUCTS,
    RESULT_STATUS_SHARES,
    STATIONS,
    TEAM_FIELDS,
    TRANSFER_MODES,
)

__all__ = [
    "CATEGORY_TREE",
    "ENTERPRISES",
    "INSTITUTIONS",
    "NEED_STATUS_SHARES",
    "PRODUCTS",
    "RESULT_STATUS_SHARES",
    "STATIONS",
    "TEAM_FIELDS",
    "TRANSFER_MODES",
    "generate_needs",
    "generate_results",
    "intended_pairs",
]
