"""The process ladder ("ontruimingszeef") a case climbs, in order."""

from enum import StrEnum


class ProcessStep(StrEnum):
    SIGNAL = "signal"
    CONTACT_ATTEMPTS = "contact_attempts"
    KITCHEN_TABLE_VISIT = "kitchen_table_visit"
    PLAN = "plan"
    CASE_MEETING = "case_meeting"
    BAILIFF = "bailiff"
    COURT = "court"
    LAST_CHANCE_AGREEMENT = "last_chance_agreement"
    EVICTION = "eviction"
    AFTERCARE = "aftercare"
    CLOSED = "closed"
