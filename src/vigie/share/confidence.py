"""STIX ``confidence`` from the strength of the evidence, on STIX 2.1's own scale.

Why not the score × 100: STIX 2.1 (section 3.2 and Appendix A) defines ``confidence`` as the
producer's confidence *in the correctness of the data*, and recommends mapping a named scale
onto 0–100. A coordination score of 0.93 is not "93 % sure"; it depends on the detector and
its threshold. What we can state is how strong the evidence for *coordination* is (never for
attribution), so we use the "None / Low / Med / High" scale of Appendix A (0, 15, 50, 85):

============  ============================================================================
High (85)     at least two independent signals (e.g. co-link and co-repost) agree, the
              group has at least 3 accounts, and its score is at least 0.8
Med (50)      two independent signals agree, or one signal on at least 3 accounts with a
              score of at least 0.6
Low (15)      anything weaker: one signal, a pair of accounts, or a low score
None (0)      no recorded signal
============  ============================================================================

The level's name goes into the object's labels too (``confidence:high``), so a reader need
not know the scale.
"""

from __future__ import annotations

SCALE = {"none": 0, "low": 15, "med": 50, "high": 85}
"""STIX 2.1 Appendix A, "None / Low / Med / High" scale → ``confidence`` value."""


def evidence_level(signals: list[str], n_members: int, score: float) -> str:
    """``none``, ``low``, ``med`` or ``high`` for a coordinated group (see the table)."""
    independent = len(set(signals))
    if independent == 0:
        return "none"
    if independent >= 2 and n_members >= 3 and score >= 0.8:
        return "high"
    if independent >= 2 or (n_members >= 3 and score >= 0.6):
        return "med"
    return "low"


def stix_confidence(signals: list[str], n_members: int, score: float) -> int:
    """The STIX ``confidence`` value for the group's evidence level."""
    return SCALE[evidence_level(signals, n_members, score)]
