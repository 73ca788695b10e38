"""A small study with known answers, built in code so each test can change one thing."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "schema_version": "1.0",
    "study": {"id": "t", "title": "Test study", "version": "1.0", "marking": "TLP:GREEN"},
    "missions": [{"id": "MI1", "name": "Campaign"}],
    "business_values": [{"id": "BV1", "name": "Reputation", "owner": "Comms", "missions": ["MI1"]}],
    "feared_events": [
        {"id": "FE1", "name": "Smear", "business_values": ["BV1"], "severity": "G2"},
        {"id": "FE2", "name": "Leak", "business_values": ["BV1"], "severity": "G4"},
    ],
    "risk_sources": [{"id": "SR1", "name": "State"}],
    "risk_pairs": [
        {"id": "RP1", "source": "SR1", "objective": "Interfere", "motivation": 4,
         "resources": 3, "activity": 2, "retained": True, "justification": "known actor"},
    ],
    "stakeholders": [
        {"id": "SH1", "name": "Platform", "category": "supplier", "dependency": 4,
         "penetration": 3, "maturity": 2, "trust": 2, "residual": {"trust": 4}},
        {"id": "SH2", "name": "Media", "category": "partner", "dependency": 1,
         "penetration": 1, "maturity": 4, "trust": 4},
    ],
    "strategic_scenarios": [
        {"id": "SS1", "name": "Interference", "pair": "RP1", "feared_events": ["FE1", "FE2"],
         "paths": [{"id": "P1", "stakeholders": ["SH1"]}]},
    ],
    "operational_scenarios": [
        {"id": "OS1", "name": "Bots", "strategic_scenario": "SS1", "method": "standard",
         "actions": [
             {"id": "A1", "phase": "know", "description": "map", "technique": "T0080",
              "success": 4},
             {"id": "A2", "phase": "enter", "description": "accounts", "technique": "T0092",
              "success": 2},
             {"id": "A3", "phase": "enter", "description": "sites", "technique": "T0098.002",
              "after": ["A1"], "success": 3},
             {"id": "A4", "phase": "exploit", "description": "amplify", "technique": "T0049",
              "after": ["A2", "A3"], "success": 3},
         ]},
    ],
    "measures": [
        {"id": "M1", "name": "Monitoring", "category": "defence", "owner": "Digital",
         "progress": 50, "stakeholders": ["SH1"]},
    ],
    "risks": [
        {"id": "R1", "operational_scenario": "OS1", "strategy": "reduce", "measures": ["M1"],
         "residual": {"likelihood": "V1", "justification": "monitoring"}},
    ],
}  # fmt: skip


def study_data(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level sections replaced."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def run_cli(args: list[str]) -> int:
    """Run ``vigie`` in-process; return its exit code (0 when it returns normally)."""
    from vigie.cli import main

    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
