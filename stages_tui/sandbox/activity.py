"""GET /api/contacts/{id}/activity: the contact timeline, of which the sandbox has only
`stage.changed` events (rows of lead_stages_change_log)."""

from __future__ import annotations

import math
from typing import Any

from .phpish import as_list, php_int
from .store import Store, to_api_time

EVENT = "stage.changed"
EVENT_TYPES = {
    "asset.download": "Asset downloaded",
    "campaign.event": "Campaign action triggered",
    "campaign.event.scheduled": "Campaign event scheduled",
    "campaign_membership": "Campaign membership change",
    "lead.source.created": "Contact created by source",
    "lead.source.identified": "Contact identified by source",
    "lead.donotcontact": "Do not contact",
    "dynamic.content.sent": "Dynamic Content Triggered",
    "email.failed": "Email failed",
    "email.read": "Email read",
    "email.replied": "Email replied",
    "email.sent": "Email sent",
    "sms.failed": "Failed",
    "focus.on_click": "Focus click",
    "focus.on_view": "Focus view",
    "form.submitted": "Form submitted",
    "lead.imported": "Imported",
    "integration_sync_issues": "Integration sync notice",
    "message.queue": "Message Queue",
    "page.hit": "Page hit",
    "point.gained": "Point gained",
    "segment_membership": "Segment membership change",
    "sms.sent": "Sent",
    "stage.changed": "Stage changed",
    "sms_reply": "Text message received",
    "lead.utmtagsadded": "UTM tags recorded",
    "page.videohit": "Video view event",
}
DEFAULT_LIMIT = 25


def timeline(store: Store, contact_id: int | None, query: dict[str, Any],
             site_url: str) -> dict[str, Any]:
    """One contact's events, or everyone's (`contact_id` None), newest first by default."""
    raw_filters = query.get("filters")
    filters = raw_filters if isinstance(raw_filters, dict) else {}
    include = [str(v) for v in as_list(filters.get("includeEvents"))]
    exclude = [str(v) for v in as_list(filters.get("excludeEvents"))]
    search = filters.get("search") if isinstance(filters.get("search"), str) else ""
    order = as_list(query.get("order"))
    direction = "ASC" if len(order) > 1 and str(order[1]).upper() == "ASC" else "DESC"
    page = max(php_int(query.get("page", 1)) or 1, 1)
    limit = php_int(query.get("limit", DEFAULT_LIMIT)) or DEFAULT_LIMIT

    wanted = (not include or EVENT in include) and EVENT not in exclude
    events: list[dict[str, Any]] = []
    total = 0
    if wanted:
        conditions: list[str] = []
        params: list[Any] = []
        if contact_id is not None:
            conditions.append("lead_id = ?")
            params.append(contact_id)
        if search:
            conditions.append("event_name LIKE ?")
            params.append(f"%{search}%")
        where = " AND ".join(conditions) or "1=1"
        total = store.scalar(f"SELECT COUNT(*) FROM lead_stages_change_log WHERE {where}", params)
        rows = store.rows(
            f"SELECT * FROM lead_stages_change_log WHERE {where} "
            f"ORDER BY date_added {direction}, id {direction} LIMIT ? OFFSET ?",
            params + [limit, (page - 1) * limit])
        events = [_event(r, site_url) for r in rows]
    return {
        "events": events,
        "filters": {"includeEvents": include, "search": search, "excludeEvents": exclude},
        "order": ["timestamp", direction],
        "types": EVENT_TYPES,
        "total": total,
        "page": page,
        "limit": limit,
        # Mautic's ceil() gives a float; with no events it answers the int 1.
        "maxPages": float(math.ceil(total / limit)) if total else 1,
    }


def _event(row: Any, site_url: str) -> dict[str, Any]:
    when = to_api_time(row["date_added"])
    label: Any = row["event_name"]
    if row["stage_id"] is not None:
        label = {"label": row["event_name"],
                 "href": f"{site_url.rstrip('/')}/s/stages/edit/{row['stage_id']}",
                 "isExternal": False}
    return {
        "event": EVENT,
        "eventId": f"{EVENT}{row['id']}",
        "eventLabel": label,
        "eventType": EVENT_TYPES[EVENT],
        "timestamp": when,
        "contactId": str(row["lead_id"]),
        "details": {"log": {
            "id": str(row["id"]),
            "reference": None if row["stage_id"] is None else str(row["stage_id"]),
            "eventName": row["event_name"],
            "actionName": row["action_name"],
            "dateAdded": when,
            "lead_id": str(row["lead_id"]),
        }},
    }
