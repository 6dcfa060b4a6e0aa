"""Reading a person's stored simulations (R6): what later use cases build on.

The vault's checklist reads the aids of the latest simulation, the forms read its
answers, and a new simulation compares itself with it. Kept apart from
:mod:`shared.services.simulations` so that reading a stored result never loads
the engine or the questionnaire.
"""

from __future__ import annotations

from shared.adapters import document_store
from shared.domain.data_registry import SIMULATIONS
from shared.models.simulation_history import StoredSimulation


def latest_simulation(uid: str) -> tuple[str, StoredSimulation] | None:
    """``(simulation id, simulation)`` of the person's most recent stored simulation, if any."""
    return next(
        document_store.list_collection(
            SIMULATIONS.collection(uid=uid),
            StoredSimulation,
            "created_at",
            descending=True,
            limit=1,
        ),
        None,
    )
