"""Endpoints of the ``alerts`` function: runs for staff, one-click unsubscribe for everyone.

Staff start a smart-alert run after publishing a catalogue change or
upgrading OpenFisca, and read what each run changed and did, as counts (R5).
The unsubscribe endpoint is the target of every alert's RFC 8058
``List-Unsubscribe`` header: it works without signing in, the signed token in
the path names the person and the list (R26). SendGrid's event webhook is
served by the same function (``functions/alerts/main.py``): its body must be
read raw to check SendGrid's signature, so it is not a JSON route.
"""

from __future__ import annotations

from shared.api.route import AUTH_OPTIONAL, Route
from shared.domain.access import ActorKind, Scope
from shared.domain.alerts import unsubscribe_token
from shared.domain.purposes import Purpose
from shared.models import alerts as models
from shared.services import alerts, campaigns

STAFF = frozenset({ActorKind.STAFF})

# Shaped like the token of an alert mail, but signed with a key the service does not
# hold: the docs show its form, and trying it changes nobody's subscription.
EXAMPLE_TOKEN = unsubscribe_token(b"documentation-only", "alerts", "u1")

ROUTES: tuple[Route, ...] = (
    Route(
        function="alerts",
        method="POST",
        path="/runs",
        operation_id="startAlertRun",
        summary="Staff: start a smart-alert run now (after a catalogue change or an upgrade).",
        handler=alerts.start_run,
        request_model=models.RunRequest,
        response_model=models.RunOut,
        scope=Scope.NOTIFY,
        purpose=Purpose.ALERTS,
        success_status=201,
        roles=STAFF,
        requirements=("R5",),
        example_body={"note": "catalogue: aide publiée"},
    ),
    Route(
        function="alerts",
        method="GET",
        path="/runs/{run_id}",
        operation_id="readAlertRun",
        summary="Staff: what a run changed, and counts of who was selected, told or skipped.",
        handler=alerts.read_run,
        response_model=models.RunOut,
        scope=Scope.NOTIFY,
        purpose=Purpose.ALERTS,
        roles=STAFF,
        errors=("not_found",),
        requirements=("R5",),
        path_params={"run_id": "the run's id (daily-YYYY-MM-DD or op-…)"},
        example_params={"run_id": "daily-2026-11-30"},
    ),
    Route(
        function="alerts",
        method="POST",
        path="/campaigns",
        operation_id="sendCampaign",
        summary="Staff: send a newsletter or survey to who holds the promotion consent (R10).",
        handler=campaigns.send_campaign,
        request_model=models.CampaignRequest,
        response_model=models.CampaignOut,
        scope=Scope.NOTIFY,
        purpose=Purpose.PROMOTION,
        success_status=201,
        roles=STAFF,
        requirements=("R10", "R26"),
        example_body={
            "kind": "newsletter",
            "text": {
                "subject_fr": "Les nouveautés de Sésame",
                "subject_en": "What's new at Sésame",
                "body_fr": "Trois nouvelles aides sont dans le simulateur.",
                "body_en": "Three new aids are in the simulator.",
            },
        },
    ),
    Route(
        function="alerts",
        method="GET",
        path="/campaigns/{campaign_id}",
        operation_id="readCampaign",
        summary="Staff: counts of a campaign (selected, sent, failed, skipped and why).",
        handler=campaigns.read_campaign,
        response_model=models.CampaignOut,
        scope=Scope.NOTIFY,
        purpose=Purpose.PROMOTION,
        roles=STAFF,
        errors=("not_found",),
        requirements=("R10",),
        path_params={"campaign_id": "the campaign's id (c-…)"},
        example_params={"campaign_id": "c-2026-11-30-10-00-00"},
    ),
    Route(
        function="alerts",
        method="POST",
        path="/unsubscribe/{token}",
        operation_id="unsubscribeOneClick",
        summary="One-click unsubscribe from alerts or promotion (RFC 8058), no sign-in needed.",
        handler=alerts.unsubscribe,
        response_model=models.UnsubscribeOut,
        scope=Scope.PROFILE_WRITE,
        purpose=Purpose.ALERTS,
        auth=AUTH_OPTIONAL,
        roles=frozenset(ActorKind) - {ActorKind.SERVICE_ACCOUNT},
        errors=("link_invalid",),
        requirements=("R5", "R26"),
        path_params={"token": "the signed token of the e-mail's unsubscribe link"},
        example_params={"token": EXAMPLE_TOKEN},
    ),
)
