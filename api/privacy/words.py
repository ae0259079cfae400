"""Plain Dutch for the codes in an access export: the household reads words, not codes.

A code without a word here is printed as it is, so a new kind of event or action still shows up
(untranslated) rather than disappearing from the household's copy.
"""

from __future__ import annotations

from collections.abc import Mapping

RELATIONS = {"tenant": "huurder", "partner": "partner", "child": "kind", "other": "overig"}

STEPS = {
    "signal": "Signaal",
    "contact_attempts": "Contactpogingen",
    "kitchen_table_visit": "Keukentafelgesprek",
    "plan": "Plan van aanpak",
    "case_meeting": "Casusoverleg",
    "bailiff": "Deurwaarder",
    "court": "Rechter",
    "last_chance_agreement": "Laatste-kansovereenkomst",
    "eviction": "Ontruiming",
    "aftercare": "Nazorg",
    "closed": "Afgesloten",
}

TIMELINE = {
    "created": "Dossier aangemaakt",
    "director_set": "Regisseur vastgelegd",
    "director_handover": "Regie overgedragen",
    "step_changed": "Processtap gewijzigd",
    "assigned": "Hulpverlener toegewezen",
    "unassigned": "Hulpverlener niet meer toegewezen",
    "participant_added": "Organisatie betrokken",
    "consent_recorded": "Toestemming vastgelegd",
    "legal_duty_recorded": "Wettelijke melding (Wgs) vastgelegd",
    "conflict_kept": "Wijziging apart gezet",
    "conflict_resolved": "Apart gezette wijziging afgehandeld",
}

CONSENT_DECISIONS = {"given": "gegeven", "refused": "geweigerd"}
CONSENT_SOURCES = {"visit": "tijdens een bezoek", "phone": "telefonisch", "letter": "per brief"}

VISIT_STATES = {
    "awaiting_attachments": "wacht op bijlagen",
    "submitted": "wacht op beoordeling",
    "approved": "goedgekeurd",
    "returned": "teruggestuurd ter correctie",
    "replaced": "vervangen door een correctie",
}
REVIEW_DECISIONS = {"approve": "goedgekeurd", "return": "teruggestuurd"}
REPORT_KINDS = {"draft": "Concept", "final": "Definitief, verzegeld"}
REPORT_STATES = {"pending": "wordt gemaakt", "ready": "klaar", "failed": "mislukt"}

FOLLOWUP_STATES = {
    "open": "open",
    "claimed": "opgepakt",
    "in_progress": "in behandeling",
    "done": "afgerond",
    "declined": "afgewezen",
    "retracted": "ingetrokken",
}
FOLLOWUP_ACTIONS = {
    "claim": "opgepakt",
    "progress": "voortgang gemeld",
    "decline": "afgewezen",
    "complete": "afgerond",
}

ACTIONS = {
    "read": "ingezien",
    "print": "als PDF opgehaald",
    "export": "inzage-export gemaakt",
    "create": "vastgelegd",
    "update": "gewijzigd",
    "consent": "toestemming vastgelegd",
    "assign": "hulpverlener toegewezen",
    "unassign": "toewijzing beëindigd",
    "handover": "regie overgedragen",
    "review": "beoordeeld",
    "upload": "bijlage ontvangen",
    "resolve_conflict": "wijziging afgehandeld",
    "read_access_log": "logboek ingezien",
    "sync": "naar een tablet gehaald",
    "receive_followup": "vervolgactie ontvangen",
    **FOLLOWUP_ACTIONS,
}
OBJECTS = {
    "case": "dossier",
    "case_plan": "plan",
    "case_access_log": "logboek",
    "visit": "bezoek",
    "visit_report": "verslag",
    "followup": "vervolgactie",
}
OUTCOMES = {"allowed": "toegestaan", "refused": "geweigerd"}


def word(words: Mapping[str, str], code: str | None) -> str:
    if code is None:
        return ""
    return words.get(code, code)
