"""Cloud Function ``alerts``: smart-alert runs for staff, one-click unsubscribe, and
SendGrid's signed event webhook (bounces and spam reports stop every further mail)."""

import json

from flask import Request, Response

from shared.api.dispatch import dispatch, http_function, problem_response
from shared.api.routes.alerts import ROUTES
from shared.errors import ApiError, language_of, text

MAIL_EVENTS_PATH = "/mail_events"
MAX_EVENTS_BYTES = 1024 * 1024  # SendGrid batches stay well under this


def mail_events(request: Request) -> Response:
    """SendGrid's event webhook: the signature is checked on the raw body, then recorded."""
    from shared.services import mail_suppressions

    language = language_of(request.headers.get("Accept-Language"))
    if request.method != "POST":
        refused = ApiError("method_not_allowed", text("Envoyez un POST.", "Send a POST."))
        return problem_response(refused, language)
    raw = request.stream.read(MAX_EVENTS_BYTES + 1)
    try:
        if len(raw) > MAX_EVENTS_BYTES:
            raise ApiError(
                "payload_too_large", text("Au plus 1 Mo d'événements.", "At most 1 MB of events.")
            )
        counts = mail_suppressions.record_events(
            raw,
            request.headers.get(mail_suppressions.SIGNATURE_HEADER, ""),
            request.headers.get(mail_suppressions.TIMESTAMP_HEADER, ""),
        )
    except ApiError as error:
        return problem_response(error, language)
    return Response(json.dumps(counts), status=200, content_type="application/json")


@http_function
def alerts(request: Request) -> Response:
    if request.path.rstrip("/") == MAIL_EVENTS_PATH:
        return mail_events(request)
    return dispatch(ROUTES, request)
