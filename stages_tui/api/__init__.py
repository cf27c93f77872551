"""The Mautic REST client. Imports nothing from Textual or from the sandbox."""

from .auth import BasicAuth, OAuth2ClientCredentials
from .client import USER_AGENT, MauticClient
from .errors import (
    AuthFailed,
    BadResponse,
    Forbidden,
    MauticError,
    NotFound,
    RateLimited,
    RequestRejected,
    ServerError,
    Timeout,
    Unreachable,
    ValidationFailed,
)
from .models import Category, Contact, ContactStage, Page, Stage, StageChange, StageDraft

__all__ = [
    "MauticClient",
    "USER_AGENT",
    "BasicAuth",
    "OAuth2ClientCredentials",
    "Stage",
    "StageDraft",
    "Category",
    "Contact",
    "ContactStage",
    "StageChange",
    "Page",
    "MauticError",
    "NotFound",
    "ValidationFailed",
    "AuthFailed",
    "Forbidden",
    "RateLimited",
    "RequestRejected",
    "ServerError",
    "Unreachable",
    "Timeout",
    "BadResponse",
]
