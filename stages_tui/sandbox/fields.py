"""Mautic 5.1.0's default contact fields (ids 1-28), exactly as the real server reports them.

Two renderings exist on the wire (recorded on real 5.1.0):
- the create response: `{id:int, group, label, alias, type, properties:<decoded>, value,
  normalizedValue}`;
- GET / list / PATCH / DELETE: `{id:"<str>", label, alias, type, group, object:"lead",
  is_fixed:"0|1", properties:"<PHP-serialized>", default_value, value, normalizedValue}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GROUPS: tuple[str, ...] = ("core", "social", "personal", "professional")


@dataclass(frozen=True)
class FieldDef:
    id: int
    alias: str
    label: str
    type: str
    group: str
    is_fixed: str
    properties_serialized: str  # as stored by Mautic (PHP serialize())
    properties: Any              # the same, decoded ([] for an empty PHP array)
    default_value: str | None


_LIST_TITLE = 'a:1:{s:4:"list";a:3:{i:0;s:2:"Mr";i:1;s:3:"Mrs";i:2;s:4:"Miss";}}'
_ATTRIBUTION = 'a:2:{s:9:"roundmode";i:4;s:5:"scale";i:2;}'
_EMPTY = "a:0:{}"

FIELDS: tuple[FieldDef, ...] = (
    FieldDef(1, "title", "Title", "lookup", "core", "1", _LIST_TITLE,
             {"list": ["Mr", "Mrs", "Miss"]}, None),
    FieldDef(2, "firstname", "First Name", "text", "core", "1", _EMPTY, [], None),
    FieldDef(3, "lastname", "Last Name", "text", "core", "1", _EMPTY, [], None),
    FieldDef(4, "company", "Primary company", "text", "core", "1", _EMPTY, [], None),
    FieldDef(5, "position", "Position", "text", "core", "1", _EMPTY, [], None),
    FieldDef(6, "email", "Email", "email", "core", "1", _EMPTY, [], None),
    FieldDef(7, "mobile", "Mobile", "tel", "core", "1", _EMPTY, [], None),
    FieldDef(8, "phone", "Phone", "tel", "core", "1", _EMPTY, [], None),
    FieldDef(9, "points", "Points", "number", "core", "1", _EMPTY, [], "0"),
    FieldDef(10, "fax", "Fax", "tel", "core", "0", _EMPTY, [], None),
    FieldDef(11, "address1", "Address Line 1", "text", "core", "1", _EMPTY, [], None),
    FieldDef(12, "address2", "Address Line 2", "text", "core", "1", _EMPTY, [], None),
    FieldDef(13, "city", "City", "text", "core", "1", _EMPTY, [], None),
    FieldDef(14, "state", "State", "region", "core", "1", _EMPTY, [], None),
    FieldDef(15, "zipcode", "Zip Code", "text", "core", "1", _EMPTY, [], None),
    FieldDef(16, "country", "Country", "country", "core", "1", _EMPTY, [], None),
    FieldDef(17, "preferred_locale", "Preferred Locale", "locale", "core", "1", _EMPTY, [], None),
    FieldDef(18, "timezone", "Preferred Timezone", "timezone", "core", "1", _EMPTY, [], None),
    FieldDef(19, "last_active", "Date Last Active", "datetime", "core", "1", _EMPTY, [], None),
    FieldDef(20, "attribution_date", "Attribution Date", "datetime", "core", "1", _EMPTY, [],
             None),
    FieldDef(21, "attribution", "Attribution", "number", "core", "1", _ATTRIBUTION,
             {"roundmode": 4, "scale": 2}, None),
    FieldDef(22, "website", "Website", "url", "core", "0", _EMPTY, [], None),
    FieldDef(23, "facebook", "Facebook", "text", "social", "0", _EMPTY, [], None),
    FieldDef(24, "foursquare", "Foursquare", "text", "social", "0", _EMPTY, [], None),
    FieldDef(25, "instagram", "Instagram", "text", "social", "0", _EMPTY, [], None),
    # The label really is the untranslated key on a stock 5.1.0 install.
    FieldDef(26, "linkedin", "mautic.lead.field.linkedin", "text", "social", "0", _EMPTY, [],
             None),
    FieldDef(27, "skype", "Skype", "text", "social", "0", _EMPTY, [], None),
    FieldDef(28, "twitter", "Twitter", "text", "social", "0", _EMPTY, [], None),
)

FIELD_BY_ALIAS: dict[str, FieldDef] = {f.alias: f for f in FIELDS}
FIELD_ALIASES: tuple[str, ...] = tuple(f.alias for f in FIELDS)

# The order of `fields.all` in list responses: the leads table's column order
# (list queries select l.*), unlike single-contact responses (field order).
LIST_ALL_ORDER: tuple[str, ...] = (
    "points", "last_active", "title", "firstname", "lastname", "company", "position", "email",
    "phone", "mobile", "address1", "address2", "city", "state", "zipcode", "timezone",
    "country", "fax", "preferred_locale", "attribution_date", "attribution", "website",
    "facebook", "foursquare", "instagram", "linkedin", "skype", "twitter",
)


def normalized(value: Any) -> Any:
    """`normalizedValue`: the value, or "" when it is null."""
    return "" if value is None else value


def created_field(f: FieldDef, value: Any) -> dict[str, Any]:
    """A field as the create response shows it."""
    return {"id": f.id, "group": f.group, "label": f.label, "alias": f.alias, "type": f.type,
            "properties": f.properties, "value": value, "normalizedValue": normalized(value)}


def stored_field(f: FieldDef, value: Any) -> dict[str, Any]:
    """A field as GET / list / PATCH / DELETE show it (DBAL strings, serialized properties)."""
    return {"id": str(f.id), "label": f.label, "alias": f.alias, "type": f.type,
            "group": f.group, "object": "lead", "is_fixed": f.is_fixed,
            "properties": f.properties_serialized, "default_value": f.default_value,
            "value": value, "normalizedValue": normalized(value)}
