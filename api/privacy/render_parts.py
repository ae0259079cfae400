"""The later sections of the access-export PDF: visits with their answers, attachments and
reports; follow-ups; alerts; who accessed or received the data; the household's rights."""

from __future__ import annotations

import base64

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from api.covenant.loader import load_covenant
from api.privacy import words
from api.privacy.render_text import facts_table, grid, hash_text, size_text
from api.privacy.schemas import FollowupRecord, HouseholdExport, VisitRecord
from api.reports.render_answers import thumbnail
from api.reports.render_text import (
    BODY,
    HEADING,
    LABEL,
    SMALL,
    SUBHEADING,
    dutch_date,
    dutch_datetime,
    para,
)


# Visits -------------------------------------------------------------------------------------
def visits_section(export: HouseholdExport) -> list[Flowable]:
    if export.case is None:
        return []
    heading = Paragraph("Bezoeken en gesprekken", HEADING)
    if not export.visits:
        return [heading, para(f"{export.organisation.name} heeft geen bezoeken vastgelegd.", BODY)]
    flowables: list[Flowable] = [heading]
    for visit in export.visits:
        flowables += _visit(visit)
    return flowables


def _visit(visit: VisitRecord) -> list[Flowable]:
    review = words.word(words.REVIEW_DECISIONS, visit.review_decision)
    if review and visit.reviewed_by is not None:
        review += f" door {visit.reviewed_by.display_name}"
    if review and visit.reviewed_at is not None:
        review += f" op {dutch_datetime(visit.reviewed_at)}"
    flowables: list[Flowable] = [
        para(f"{visit.form_title}, {dutch_date(visit.visited_on)}", SUBHEADING),
        facts_table(
            [
                ("Hulpverlener", visit.worker.display_name if visit.worker else ""),
                ("Afgerond op", dutch_datetime(visit.finalized_at)),
                ("Stand", words.word(words.VISIT_STATES, visit.state)),
                ("Beoordeling", review),
                ("Opmerking bij beoordeling", visit.review_comment),
                ("Correctie van bezoek", str(visit.replaces) if visit.replaces else ""),
                ("Bezoeknummer", str(visit.id)),
            ]
        ),
        Spacer(0, 2 * mm),
    ]
    section = None
    rows: list[tuple[str, str]] = []
    for answer in visit.answers:
        if answer.section != section and rows:
            flowables += [para(section or "Overig", LABEL), facts_table(rows), Spacer(0, 1 * mm)]
            rows = []
        section = answer.section
        rows.append((answer.label, answer.text))
    if rows:
        flowables += [para(section or "Overig", LABEL), facts_table(rows), Spacer(0, 1 * mm)]
    flowables += _attachments(visit)
    flowables += _reports(visit)
    return flowables


def _attachments(visit: VisitRecord) -> list[Flowable]:
    if not visit.attachments:
        return []
    rows = [
        [
            item.name,
            item.content_type or "",
            size_text(item.size if item.size is not None else item.declared_size),
            hash_text(item.sha256 or item.declared_sha256),
        ]
        for item in visit.attachments
    ]
    flowables: list[Flowable] = [
        para("Bijlagen (handtekeningen en foto's)", LABEL),
        grid(["Naam", "Soort", "Grootte", "SHA-256"], rows, [0.3, 0.15, 0.13, 0.42]),
    ]
    # The images themselves, small: the household sees what was kept of it.
    for item in visit.attachments:
        image = thumbnail(base64.b64decode(item.content_base64)) if item.content_base64 else None
        if image is not None:
            flowables += [Spacer(0, 1 * mm), para(item.name, SMALL), image]
    return [*flowables, Spacer(0, 2 * mm)]


def _reports(visit: VisitRecord) -> list[Flowable]:
    if not visit.reports:
        return []
    rows = [
        [
            words.word(words.REPORT_KINDS, report.kind),
            words.word(words.REPORT_STATES, report.state),
            (
                f"{report.approved_by.display_name}, {dutch_datetime(report.approved_at)}"
                if report.approved_by and report.approved_at
                else ""
            ),
            hash_text(report.sha256),
        ]
        for report in visit.reports
    ]
    return [
        para("Verslagen van dit bezoek", LABEL),
        grid(
            ["Verslag", "Stand", "Goedgekeurd", "SHA-256 van het PDF"],
            rows,
            [0.2, 0.13, 0.25, 0.42],
        ),
        Spacer(0, 3 * mm),
    ]


# Follow-ups -----------------------------------------------------------------------------------
def followups_section(export: HouseholdExport) -> list[Flowable]:
    heading = Paragraph("Vervolgacties bij andere organisaties", HEADING)
    if not export.followups:
        return [heading, para("Er zijn geen vervolgacties gestuurd of ontvangen.", BODY)]
    flowables: list[Flowable] = [
        heading,
        para(
            "Een vervolgactie vraagt een andere organisatie om iets voor uw huishouden te doen. "
            "Die organisatie ziet alleen de soorten informatie die het convenant en uw "
            "toestemming toestaan, en dat wordt bij elke keer inzien opnieuw bepaald.",
            SMALL,
        ),
    ]
    for followup in export.followups:
        flowables += _followup(followup)
    return flowables


def _followup(followup: FollowupRecord) -> list[Flowable]:
    labels = _category_labels
    sender = followup.from_organisation.name if followup.from_organisation else ""
    recipient = followup.recipient_organisation.name if followup.recipient_organisation else ""
    title = (
        f"Gevraagd aan {recipient}" if followup.direction == "sent" else f"Ontvangen van {sender}"
    )
    steps = "\n".join(
        f"{dutch_datetime(step.at)}: {words.word(words.FOLLOWUP_ACTIONS, step.action)}"
        + (f" door {step.by.display_name}" if step.by else "")
        + (f" - {step.text}" if step.text else "")
        for step in followup.steps
    )
    flowables: list[Flowable] = [
        para(title, SUBHEADING),
        facts_table(
            [
                ("Van", sender),
                ("Aan", recipient),
                ("Gevraagd", followup.need),
                ("Uiterlijk", dutch_date(followup.due_on)),
                ("Gevraagde informatie", labels(followup.categories)),
                ("Nu gedeeld", labels(followup.shared_categories) or "niets"),
                ("Niet gedeeld", labels(followup.withheld_categories)),
                ("Stand", words.word(words.FOLLOWUP_STATES, followup.state)),
                ("Verloop", steps),
                ("Uitkomst", followup.outcome),
                ("Reden van afwijzen", followup.decline_reason),
                ("Aangemaakt", dutch_datetime(followup.created_at)),
            ]
        ),
    ]
    if followup.extract is not None and followup.extract.data:
        rows = [
            (item.label, _text(item.value))
            for category in followup.extract.shared_categories
            for item in followup.extract.data.get(category, [])
        ]
        flowables += [para("Wat deze organisatie van u te zien kreeg", LABEL), facts_table(rows)]
    return [*flowables, Spacer(0, 2 * mm)]


def _text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(
            ", ".join(f"{k}: {v}" for k, v in item.items()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def _category_labels(codes: list[str]) -> str:
    categories = load_covenant().information_categories
    return ", ".join(categories[c].label.nl if c in categories else c for c in codes)


# Alerts, access and rights ----------------------------------------------------------------
def notifications_section(export: HouseholdExport) -> list[Flowable]:
    if not export.notifications:
        return []
    rows = [
        [
            dutch_datetime(item.created_at),
            item.user.display_name if item.user else "",
            item.title,
            dutch_datetime(item.read_at) if item.read_at else "nog niet gelezen",
        ]
        for item in export.notifications
    ]
    return [
        Paragraph("Meldingen aan medewerkers", HEADING),
        para("Meldingen noemen nooit uw naam of adres; de medewerker opent het dossier.", SMALL),
        grid(["Wanneer", "Aan", "Melding", "Gelezen"], rows, [0.2, 0.22, 0.36, 0.22]),
    ]


def access_section(export: HouseholdExport) -> list[Flowable]:
    flowables: list[Flowable] = [
        Paragraph("Wie uw gegevens heeft ingezien of ontvangen", HEADING),
    ]
    if export.recipients:
        rows = [
            [
                recipient.organisation.name,
                ", ".join(words.word(words.ACTIONS, a) for a in recipient.actions),
                dutch_datetime(recipient.first_at),
                dutch_datetime(recipient.last_at),
            ]
            for recipient in export.recipients
        ]
        flowables += [
            para("Andere organisaties die uw gegevens hebben gezien of ontvangen:", BODY),
            grid(["Organisatie", "Wat", "Eerste keer", "Laatste keer"], rows, [0.3, 0.3, 0.2, 0.2]),
        ]
    else:
        flowables.append(para("Geen andere organisatie heeft deze gegevens gezien.", BODY))
    rows = [
        [
            dutch_datetime(entry.at),
            entry.person or "",
            entry.organisation.name if entry.organisation else "",
            f"{words.word(words.ACTIONS, entry.action)} "
            f"({words.word(words.OBJECTS, entry.object_type)})",
            words.word(words.OUTCOMES, entry.outcome),
        ]
        for entry in export.access_log
    ]
    flowables += [
        Spacer(0, 2 * mm),
        para("Logboek: elke keer dat iemand deze gegevens opende, wijzigde of ophaalde", LABEL),
        grid(
            ["Wanneer", "Wie", "Organisatie", "Wat", "Uitkomst"],
            rows,
            [0.19, 0.19, 0.22, 0.26, 0.14],
        ),
    ]
    return flowables


def rights_section(export: HouseholdExport) -> list[Flowable]:
    name = export.organisation.name
    return [
        Paragraph("Uw rechten", HEADING),
        para(
            f"Klopt er iets niet? Dan kunt u {name} vragen het te verbeteren of aan te vullen. "
            "U kunt ook vragen gegevens te wissen of het gebruik ervan te beperken, en u kunt "
            "bezwaar maken. Toestemming die u heeft gegeven, kunt u altijd intrekken; dat geldt "
            "vanaf dat moment.",
            BODY,
        ),
        Spacer(0, 2 * mm),
        para(
            f"Bent u het niet eens met hoe {name} met uw gegevens omgaat? Neem dan eerst contact "
            "op met de organisatie. U kunt ook een klacht indienen bij de Autoriteit "
            "Persoonsgegevens.",
            BODY,
        ),
    ]
