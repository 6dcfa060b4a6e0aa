"""Support messaging and demo requests: the pure rules (R4, R8).

A beneficiary writes to support in a thread filed in one queue (the topic);
support agents are each attached to one queue. An agent reaches a thread
only when it is assigned to them or waits in their queue *now*: both the
assignment and the agent's queue are read from the stores on every request,
so moving an agent to another queue stops their access at once.

Prospects asking for a demo (R4) leave contact data that is kept 3 years
from the last contact with them, the CNIL's period for prospect data
(CNIL, référentiel « gestion des activités commerciales », délibération
n° 2021-131 du 23 septembre 2021 : 3 ans à compter du dernier contact émanant
du prospect).
"""

from __future__ import annotations

from enum import StrEnum

from shared.domain.strict import BilingualText


class SupportQueue(StrEnum):
    """What a thread is about, which decides the agents who see it."""

    ACCOUNT = "account"  # signing in, profile, privacy rights
    AIDS = "aids"  # questions on the simulation and the aids found
    DOCUMENTS = "documents"  # vault and pre-filled forms


QUEUE_WORDS: dict[SupportQueue, BilingualText] = {
    SupportQueue.ACCOUNT: BilingualText(fr="Mon compte", en="My account"),
    SupportQueue.AIDS: BilingualText(fr="Mes aides", en="My aids"),
    SupportQueue.DOCUMENTS: BilingualText(fr="Mes documents", en="My documents"),
}


class Author(StrEnum):
    """Who wrote a message: the beneficiary, or someone of the support team."""

    BENEFICIARY = "beneficiary"
    SUPPORT = "support"


# Bounds of what a person may write: long enough for a real question, short
# enough that one thread stays far below Firestore's 1 MiB per document.
MAX_SUBJECT_CHARS = 120
MAX_MESSAGE_CHARS = 2000
MAX_MESSAGES_PER_THREAD = 200
MAX_THREADS = 50


def agent_reaches(
    *, queue: str, assignee_uid: str | None, agent_uid: str, agent_queue: str | None
) -> bool:
    """Whether an agent attached to ``agent_queue`` may read a thread of ``queue``.

    Assigned to them, or in their queue: nothing else, whoever else it was
    assigned to (a colleague of the same queue may step in).
    """
    return assignee_uid == agent_uid or (agent_queue is not None and agent_queue == queue)


# ---------------------------------------------------------------- demo requests (R4)

# Per client address: a person asking for a demo sends one, maybe two; a script
# sends hundreds. The edge (infra/edge.tf) throttles first; this bound is kept
# in the function so that a request reaching it directly is limited too.
DEMO_REQUESTS_PER_WINDOW = 5
DEMO_WINDOW_SECONDS = 3600
