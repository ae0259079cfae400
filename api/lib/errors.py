"""The one error catalogue: every domain error has a stable `code` the PWA can branch on.

Services raise these; the app renders them as RFC 9457 problem+json (see `problem_response`).
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra
        self.headers: dict[str, str] = {}


# 400: the request itself is malformed.
class InvalidBody(DomainError):
    """Not JSON, not the wire type (unknown fields too), or nested deeper than the server reads."""

    code, status, title = "invalid_body", 400, "The request body is not valid"


class InvalidParameter(DomainError):
    code, status, title = "invalid_parameter", 400, "A path or query parameter is not valid"


# 401: who are you? Each code tells the app what to do next.
class NotAuthenticated(DomainError):
    code, status, title = "not_authenticated", 401, "Authentication required"


class TokenExpired(DomainError):
    """The access token ran out: use the refresh token."""

    code, status, title = "token_expired", 401, "The access token has expired"


class InvalidCredentials(DomainError):
    code, status, title = "invalid_credentials", 401, "Username or password is wrong"


class RefreshTokenInvalid(DomainError):
    code, status, title = "refresh_token_invalid", 401, "The refresh token is not valid"


class SessionEnded(DomainError):
    """Log in again; keep the device's local data."""

    code, status, title = "session_ended", 401, "The session has ended, log in again"


class AccountDisabled(DomainError):
    """The user was disabled: logged out, local data kept until an administrator decides."""

    code, status, title = "account_disabled", 401, "This account has been disabled"


class DeviceRevoked(DomainError):
    """An administrator revoked this device (a lost tablet): the app wipes its local data."""

    code, status, title = "device_revoked", 401, "This device has been revoked"


# 403/404: the access policy said no.
class Forbidden(DomainError):
    code, status, title = "forbidden", 403, "You may not do this"


class NotFound(DomainError):
    code, status, title = "not_found", 404, "Not found"


class CaseNotFound(NotFound):
    """Also what an actor gets for a case they may not see: existence is not disclosed."""

    code, title = "case_not_found", "Case not found"


class FormNotFound(NotFound):
    code, title = "form_not_found", "No published form with this key and version"


class VisitNotFound(NotFound):
    """Also what an actor gets for a visit they may not see: existence is not disclosed."""

    code, title = "visit_not_found", "Visit not found"


class FollowupNotFound(NotFound):
    """Also for a follow-up the actor may not see: existence is not disclosed."""

    code, title = "followup_not_found", "Follow-up not found"


class AttachmentNotDeclared(NotFound):
    code, title = "attachment_not_declared", "The visit does not declare this attachment"


class NotificationNotFound(NotFound):
    """Also what a user gets for someone else's notification: existence is not disclosed."""

    code, title = "notification_not_found", "Notification not found"


class ConflictNotFound(NotFound):
    code, title = "conflict_not_found", "Conflict not found"


class MethodNotAllowed(DomainError):
    code, status, title = "method_not_allowed", 405, "Method not allowed"


# 409: the request collides with what is stored.
class CaseConflict(DomainError):
    """A case edit based on an older version: kept for a person to resolve, not applied."""

    code, status, title = "case_conflict", 409, "The case changed since this edit was based on it"


class VisitConflict(DomainError):
    """Another body under the same visit id: the stored visit stays as it is."""

    code, status, title = "visit_conflict", 409, "A different visit is stored under this id"


class AttachmentConflict(DomainError):
    code, status, title = "attachment_conflict", 409, "Other bytes than declared for this name"


class FollowupConflict(DomainError):
    """Another follow-up is stored under this id; it was left unchanged."""

    code, status, title = "followup_conflict", 409, "A different follow-up is stored under this id"


class FollowupAlreadyClaimed(DomainError):
    """Two colleagues claimed at once, or it was claimed before: one of them has it."""

    code, status, title = "followup_already_claimed", 409, "Someone else has claimed this"


class FollowupWrongState(DomainError):
    """The action does not fit the follow-up's state (e.g. completing one that was declined)."""

    code, status, title = "followup_wrong_state", 409, "Not possible in the follow-up's state"


class ActionConflict(DomainError):
    """An action id already used for another action: action ids are made once per action."""

    code, status, title = "action_conflict", 409, "This action id was used for another action"


class VisitNotReviewable(DomainError):
    """Only a submitted visit is reviewed; the answer names the state it is in."""

    code, status, title = "visit_not_reviewable", 409, "This visit is not waiting for review"


class ReportNotReady(DomainError):
    """The worker has not rendered the report yet (or it failed): ask again later."""

    code, status, title = "report_not_ready", 409, "The report is not ready yet"


class ConflictResolved(DomainError):
    code, status, title = "conflict_already_resolved", 409, "This conflict was already resolved"


class AlreadyExists(DomainError):
    code, status, title = "already_exists", 409, "This already exists"


class BodyTooLarge(DomainError):
    """Over the route's limit (`max_bytes`): decided from the announced Content-Length before
    any of the body is read, or while a chunked body streams in; the connection is closed."""

    code, status, title = "body_too_large", 413, "The request body is too large"


class AttachmentQuota(DomainError):
    """The declared attachments of one visit add up to more than the per-visit quota."""

    code, status, title = "attachment_quota", 413, "The visit's attachments are over the quota"


class UnsupportedMediaType(DomainError):
    code, status, title = "unsupported_media_type", 415, "Unsupported content type"


class UnsupportedContentEncoding(UnsupportedMediaType):
    """A body sent compressed (`Content-Encoding: gzip`, `deflate`, `br`, ...). The server does
    not inflate request bodies, so a few kilobytes can never grow into gigabytes: send the body
    uncompressed. The answer carries `Accept-Encoding: identity` (RFC 9110, 15.5.16)."""

    code, title = "unsupported_content_encoding", "Request bodies are not accepted compressed"


# 422: well-formed, but breaks a rule.
class RuleViolation(DomainError):
    code, status, title = "rule_violation", 422, "The request breaks a rule"


class InvalidAnswers(DomainError):
    """The answers do not fit the named form version; `errors` lists each field."""

    code, status, title = "invalid_answers", 422, "The answers do not fit the form"


class UnknownForm(DomainError):
    code, status, title = "unknown_form", 422, "No published form with this key and version"


class AttachmentsMismatch(DomainError):
    """Declared attachments and the attachments the answers name must be the same set."""

    code, status, title = "attachments_mismatch", 422, "Declared and used attachments differ"


class InvalidReplacement(DomainError):
    code, status, title = "invalid_replacement", 422, "This visit cannot replace that one"


class BadImage(DomainError):
    code, status, title = "bad_image", 422, "The attachment is not an image this server accepts"


class BadSignatureImage(BadImage):
    """A drawn signature that is not a small PNG with ink on it."""

    code, title = "bad_signature_image", "The signature is not a usable PNG image"


class CommentRequired(RuleViolation):
    """Returning a visit tells the worker what to correct."""

    code, title = "comment_required", "Say what should be corrected"


class TextRequired(RuleViolation):
    """Completing says what came of it; declining says why."""

    code, title = "text_required", "Say what came of it, or why"


class InvalidRecipient(RuleViolation):
    code, title = "invalid_recipient", "The receiving organisation cannot take this follow-up"


class PushEndpointNotAllowed(RuleViolation):
    """Not an https URL of a known push service (see KEUKENTAFEL_PUSH_SERVICE_HOSTS)."""

    code, title = "push_endpoint_not_allowed", "This push endpoint is not accepted"


class InvalidPushKeys(RuleViolation):
    """p256dh must be an uncompressed P-256 point (65 bytes), auth 16 bytes, both base64url."""

    code, title = "invalid_push_keys", "The subscription's keys are not valid"


class NotAPdf(DomainError):
    code, status, title = "not_a_pdf", 422, "The file is not a PDF"


class UnknownCode(RuleViolation):
    code, title = "unknown_code", "A code is not known to the covenant"


class ConsentNotPossible(RuleViolation):
    """The covenant never shares this category with this kind: no consent can change that."""

    code, title = "consent_not_possible", "The covenant never shares this pair"


class ConsentPairRepeated(RuleViolation):
    """One request decides each (category, recipient kind) pair once."""

    code, title = "consent_pair_repeated", "A pair is decided twice in one request"


class AddressRequired(RuleViolation):
    """A new case needs its address; an update may leave it out (then it stays as it is)."""

    code, title = "address_required", "A new case needs an address"


class TooManyAttempts(DomainError):
    code, status, title = "too_many_attempts", 429, "Too many attempts, wait before trying again"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"Try again in {retry_after_seconds} seconds.")
        self.headers["Retry-After"] = str(retry_after_seconds)


# 503: not now. Nothing was stored; the same request again after Retry-After will do.
class DatabaseUnavailable(DomainError):
    """The database restarts, fails over or is busy past its wait: the transaction was rolled
    back, and the tablet's outbox sends the same request again after `Retry-After`."""

    code, status, title = "database_unavailable", 503, "The database is not reachable right now"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"Nothing was stored; try again in {retry_after_seconds} seconds.")
        self.headers["Retry-After"] = str(retry_after_seconds)


def catalogue() -> dict[str, type[DomainError]]:
    """Every code the API can answer with, for the docs and the tests."""
    found: dict[str, type[DomainError]] = {}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        found[cls.code] = cls
        pending.extend(cls.__subclasses__())
    return found


ERROR_FOR_STATUS: dict[int, type[DomainError]] = {
    400: InvalidBody,
    401: NotAuthenticated,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    413: BodyTooLarge,
    415: UnsupportedMediaType,
    429: TooManyAttempts,
}
