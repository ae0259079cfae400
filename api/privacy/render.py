"""The access export as a PDF the household can read: A4, Dutch, plain words, the style of the
visit reports (api.reports.render_text). Rendered from a HouseholdExport alone, synchronously
(the service calls it in a thread).

Not sealed: the export is a copy for reading at one moment, not evidence of a record (the
sealed visit reports are that, and their hashes are listed here, so a household can check a
report it holds with POST /api/reports/verify). The JSON export is the machine-readable copy.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from api.covenant.loader import load_covenant
from api.privacy import words
from api.privacy.render_parts import (
    access_section,
    followups_section,
    notifications_section,
    rights_section,
    visits_section,
)
from api.privacy.render_text import facts_table, grid
from api.privacy.schemas import HouseholdExport
from api.reports.render_text import (
    BODY,
    FONT,
    GREY,
    HEADING,
    LINE,
    ORGANISATION,
    SMALL,
    TITLE,
    dutch_date,
    dutch_datetime,
    euros,
    fit_to_font,
    para,
)

SIDE_MARGIN = 18 * mm


def render_export(export: HouseholdExport) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=16 * mm,
        bottomMargin=22 * mm,
        title=fit_to_font(f"Inzage in uw gegevens bij {export.organisation.name}"),
        author=fit_to_font(export.organisation.name),
        subject=f"Inzage-export casus {export.case_id}",
        creator="Keukentafel",
        lang="nl-NL",
        displayDocTitle=True,
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        canvas.line(SIDE_MARGIN, 15 * mm, A4[0] - SIDE_MARGIN, 15 * mm)
        canvas.setFillColor(GREY)
        canvas.setFont(FONT, 7)
        canvas.drawString(
            SIDE_MARGIN,
            11 * mm,
            fit_to_font(
                f"Inzage-export {export.organisation.name}, casus {export.case_id}, "
                f"gemaakt {dutch_datetime(export.generated_at)}"
            ),
        )
        canvas.drawRightString(A4[0] - SIDE_MARGIN, 11 * mm, f"Pagina {doc.page}")
        canvas.restoreState()

    document.build(story(export), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def story(export: HouseholdExport) -> list[Flowable]:
    return [
        *introduction(export),
        *household_section(export),
        *timeline_section(export),
        *kept_edits_section(export),
        *consent_section(export),
        *visits_section(export),
        *followups_section(export),
        *notifications_section(export),
        *access_section(export),
        *rights_section(export),
    ]


def introduction(export: HouseholdExport) -> list[Flowable]:
    name = export.organisation.name
    return [
        para(name, ORGANISATION),
        para("Inzage in uw gegevens", TITLE),
        para(
            f"U heeft gevraagd welke gegevens {name} over uw huishouden heeft (artikel 15 van "
            "de Algemene verordening gegevensbescherming). Hieronder staat alles wat "
            f"{name} in Keukentafel over u bewaart: uw dossier, de gesprekken en bezoeken, "
            "uw toestemming, de vervolgacties bij andere organisaties, en wie uw gegevens "
            "heeft ingezien of ontvangen. Andere organisaties van het convenant bewaren hun "
            "eigen gegevens; u kunt ook hen om inzage vragen.",
            BODY,
        ),
        Spacer(0, 3 * mm),
        facts_table(
            [
                ("Organisatie", name),
                ("Casus (dossiernummer)", str(export.case_id)),
                ("Gemaakt op", dutch_datetime(export.generated_at)),
                ("Gemaakt door", f"{export.exported_by.display_name}, functioneel beheerder"),
            ]
        ),
    ]


def household_section(export: HouseholdExport) -> list[Flowable]:
    heading = Paragraph("Uw huishouden", HEADING)
    case = export.case
    if case is None:
        return [
            heading,
            para(
                f"{export.organisation.name} neemt niet deel aan uw dossier. Wel heeft zij "
                "een of meer vervolgacties over uw huishouden gestuurd of ontvangen; die staan "
                "hieronder.",
                BODY,
            ),
        ]
    address = case.address
    rows: list[tuple[str, str]] = []
    if address is not None:
        rows.append(
            (
                "Adres",
                f"{address.street} {address.house_number}, {address.postcode} {address.city}",
            )
        )
    for member in case.members:
        born = f", geboren {member.birth_year}" if member.birth_year else ""
        rows.append(
            ("Gezinslid", f"{member.name} ({words.word(words.RELATIONS, member.relation)}{born})")
        )
    if case.signal.arrears_cents is not None:
        months = case.signal.arrears_months
        rows.append(("Huurachterstand", f"{euros(case.signal.arrears_cents)} ({months} maanden)"))
    if case.signal.signal_date is not None:
        rows.append(("Datum signaal", dutch_date(case.signal.signal_date)))
    rows.append(("Processtap", words.word(words.STEPS, case.process_step)))
    if case.director is not None:
        director_org = case.director_organisation.name if case.director_organisation else ""
        rows.append(("Regisseur", f"{case.director.display_name}, {director_org}"))
    rows.append(("Betrokken organisaties", ", ".join(o.name for o in case.participants)))
    rows.append(("Hulpverleners", ", ".join(p.display_name for p in case.assigned) or "geen"))
    rows.append(("Wettelijke melding (Wgs)", _wgs_text(export)))
    rows.append(("Dossier aangemaakt", dutch_datetime(case.created_at)))
    flowables: list[Flowable] = [heading, facts_table(rows)]
    if case.withheld_categories:
        labels = _category_labels(case.withheld_categories)
        flowables.append(Spacer(0, 2 * mm))
        flowables.append(
            para(
                f"{export.organisation.name} mag volgens het convenant en uw toestemming niet "
                f"zien: {labels}. Die gegevens staan daarom niet in dit overzicht.",
                SMALL,
            )
        )
    return flowables


def _wgs_text(export: HouseholdExport) -> str:
    assert export.case is not None
    wgs = export.case.wgs
    if wgs.objected_to_sharing:
        return "U heeft bezwaar gemaakt tegen het doorgeven van uw gegevens aan de gemeente."
    if wgs.duties_met:
        return "Uw contactgegevens en de huurachterstand mogen aan de gemeente worden gemeld."
    return "Nog niet aan de voorwaarden voor een melding aan de gemeente voldaan."


def timeline_section(export: HouseholdExport) -> list[Flowable]:
    if export.case is None or not export.case.timeline:
        return []
    rows = []
    for entry in export.case.timeline:
        what = words.word(words.TIMELINE, entry.kind)
        if entry.kind == "step_changed":
            what += (
                f": van {words.word(words.STEPS, entry.data.get('from'))} "
                f"naar {words.word(words.STEPS, entry.data.get('to'))}"
            )
        who = entry.actor.display_name if entry.actor else ""
        if entry.organisation is not None:
            who = f"{who}, {entry.organisation.name}" if who else entry.organisation.name
        rows.append([dutch_datetime(entry.at), what, who, entry.note])
    return [
        Paragraph("Verloop van uw dossier", HEADING),
        grid(["Wanneer", "Wat", "Door", "Toelichting"], rows, [0.2, 0.3, 0.25, 0.25]),
    ]


def kept_edits_section(export: HouseholdExport) -> list[Flowable]:
    if not export.kept_edits:
        return []
    rows = []
    for edit in export.kept_edits:
        body = edit.body
        parts = []
        if isinstance(body.get("address"), dict):
            address = body["address"]
            parts.append(
                f"adres {address.get('street', '')} {address.get('house_number', '')}, "
                f"{address.get('postcode', '')} {address.get('city', '')}"
            )
        for member in body.get("members") or []:
            parts.append(f"gezinslid {member.get('name', '')}")
        step = body.get("process_step")
        if step:
            parts.append(f"processtap {words.word(words.STEPS, step)}")
        rows.append(
            [
                dutch_datetime(edit.submitted_at),
                edit.submitted_by.display_name if edit.submitted_by else "",
                "; ".join(parts),
                "afgehandeld" if edit.resolved_at else "nog niet afgehandeld",
            ]
        )
    return [
        Paragraph("Wijzigingen die apart zijn gezet", HEADING),
        para(
            "Een wijziging die op een verouderde versie van uw dossier was gebaseerd, wordt "
            "niet zomaar doorgevoerd maar bewaard, zodat een medewerker haar kan beoordelen.",
            SMALL,
        ),
        grid(["Ontvangen", "Door", "Inhoud", "Stand"], rows, [0.2, 0.2, 0.42, 0.18]),
    ]


def consent_section(export: HouseholdExport) -> list[Flowable]:
    if export.case is None:
        return []
    heading = Paragraph("Uw toestemming", HEADING)
    if not export.consent:
        return [heading, para("Er is (nog) geen toestemming vastgelegd.", BODY)]
    covenant = load_covenant()
    rows = []
    for entry in export.consent:
        kind = covenant.organisation_kinds.get(entry.recipient_kind)
        how = words.word(words.CONSENT_SOURCES, entry.source)
        if entry.note:
            how += f" ({entry.note})"
        rows.append(
            [
                dutch_datetime(entry.decided_at),
                _category_labels([entry.category]),
                kind.nl if kind else entry.recipient_kind,
                words.word(words.CONSENT_DECISIONS, entry.decision),
                how,
                "vervangen door een later besluit" if entry.superseded_at else "geldt nu",
            ]
        )
    return [
        heading,
        para(
            "Per soort informatie en per soort organisatie beslist u of die informatie gedeeld "
            "mag worden. Hieronder staan al uw besluiten, de nieuwste eerst; ook besluiten die "
            "later zijn veranderd.",
            SMALL,
        ),
        Spacer(0, 2),
        grid(
            ["Wanneer", "Informatie", "Met", "Besluit", "Hoe", "Stand"],
            rows,
            [0.15, 0.19, 0.22, 0.11, 0.16, 0.17],
        ),
    ]


def _category_labels(codes: Sequence[str]) -> str:
    categories = load_covenant().information_categories
    return ", ".join(categories[c].label.nl if c in categories else c for c in codes)
