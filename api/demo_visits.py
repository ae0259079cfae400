"""Demo kitchen-table visits in every review state, recorded through the real services.

Going through `record_visit`, `store_attachment` and `review_visit` means the demo data obeys the
same rules as a tablet's: the form engine checks the answers, attachments are cleaned, approval
queues the sealed report. The worker renders and seals once the server runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import uuid
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from api.accounts.roles import Role
from api.accounts.tables import Device
from api.demo import ACCOUNTS, ORGANISATIONS, demo_id
from api.forms.catalogue import get_registry
from api.lib.actor import Actor
from api.lib.db import now
from api.visits import review, services
from api.visits.schemas import DeclaredAttachment, ReviewWrite, VisitWrite

FORM_KEY, FORM_VERSION = "keukentafelgesprek", 2
DEVICE_OWNERS = ("fieldworker", "supervisor", "debtcounsel")


@dataclass(frozen=True)
class DemoVisit:
    household: str
    days_ago: int
    # None: left waiting for the supervisor.
    decision: str | None
    comment: str = ""
    # Scores 1..5 for the 13 ZRM domains, in the form's order.
    zrm: tuple[int, ...] = (2, 3, 3, 2, 4, 2, 4, 5, 5, 3, 2, 3, 5)


VISITS = [
    DemoVisit("Familie Tjoeng-Aarts", 60, "approve", zrm=(1, 3, 2, 2, 3, 2, 4, 5, 5, 3, 2, 2, 5)),
    DemoVisit("Familie Tjoeng-Aarts", 4, None),
    DemoVisit("Familie Akkerhuis", 25, "approve", zrm=(2, 2, 3, 3, 4, 3, 3, 5, 5, 4, 3, 3, 5)),
    DemoVisit(
        "De heer Stoutjesberg",
        9,
        "return",
        "Vul bij de afspraken aan wie de verhuurder belt over de betalingsregeling, en wanneer.",
        zrm=(2, 4, 3, 2, 5, 1, 3, 4, 5, 3, 1, 2, 5),
    ),
    DemoVisit("Mevrouw Van Driel-Ommen", 2, None, zrm=(3, 3, 4, 3, 4, 4, 4, 5, 5, 4, 3, 3, 5)),
    DemoVisit("Familie Hoogeveen-Baars", 1, None),
]


def _actor(username: str, device_id: uuid.UUID) -> Actor:
    account = next(a for a in ACCOUNTS if a.username == username)
    name, kind = ORGANISATIONS[account.organisation]
    return Actor(
        user_id=demo_id(f"user/{username}"),
        username=username,
        display_name=account.display_name,
        organisation_id=demo_id(f"org/{account.organisation}"),
        organisation_name=name,
        organisation_kind=kind,
        roles=frozenset(account.roles),
        device_id=device_id,
    )


def signature_png(seed: int) -> bytes:
    """An invented scribble on a transparent background, different per seed."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (40 + x * 5, 100 + 45 * math.sin(x / (4 + seed % 3)) * math.cos(x / (9 + seed)))
        for x in range(104)
    ]
    draw.line(points, fill=(20, 30, 90, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _answers(visit: DemoVisit, visited_on: dt.date, finalized: dt.datetime) -> dict[str, Any]:
    form = get_registry().get(FORM_KEY, FORM_VERSION)
    assert form is not None
    surname = visit.household.split(" ", 1)[1].split("-")[0]
    zrm_codes = [q.code for q in form.top_level() if q.type == "zrm"]
    consent = form.questions["consent"]
    grid: dict[str, dict[str, str]] = {}
    for pair in consent.consent_pairs:
        category, kind = pair.split("/")
        refused = kind == "housing_corporation" and category not in (
            "contact_details",
            "arrears_amount",
        )
        grid.setdefault(category, {})[kind] = "refused" if refused else "given"
    signed_at = finalized.strftime("%Y-%m-%dT%H:%M:%SZ")
    worker = next(a for a in ACCOUNTS if a.username == "fieldworker").display_name
    return {
        "visit_date": visited_on.isoformat(),
        "start_time": "10:00",
        "members_present": [
            {"member_name": f"Demi {surname}", "member_relation": "tenant"},
        ],
        "housing_situation": "too_expensive",
        "housing_notes": "Woning is op orde; de huur drukt zwaar op het inkomen.",
        "net_monthly_income": 168000,
        "rent_monthly": 79500,
        "debts": [
            {"creditor": "Woonstichting Thuisbasis", "debt_kind": "rent", "amount_cents": 159000},
            {"creditor": "Energiebedrijf", "debt_kind": "energy", "amount_cents": 42000},
        ],
        **dict(zip(zrm_codes, visit.zrm, strict=True)),
        "zrm_financien_note": "Geen overzicht van de post; aanmaningen liggen ongeopend.",
        "household_wishes": "In de woning blijven en de achterstand stap voor stap aflossen.",
        "agreements": [
            {
                "agreement_what": "Post van de laatste drie maanden verzamelen",
                "agreement_who": "household",
                "agreement_due_date": (visited_on + dt.timedelta(days=7)).isoformat(),
            }
        ],
        "followup_needs": ["payment_arrangement", "debt_help"],
        "consent": grid,
        "signature_resident": {
            "attachment": "signature_resident.png",
            "name": f"Demi {surname}",
            "signed_at": signed_at,
        },
        "signature_worker": {
            "attachment": "signature_worker.png",
            "name": worker,
            "signed_at": signed_at,
        },
    }


async def seed_visits(at: dt.datetime | None = None) -> int:
    """Record the demo visits and the supervisor's decisions; the count recorded."""
    at = at or now()
    # Each person acts from a device of their own, as the audit trail records it.
    devices = {name: demo_id(f"device/{name}-demo") for name in DEVICE_OWNERS}
    await Device.insert(
        *[
            Device(id=device, user=demo_id(f"user/{name}"), name=f"Demo {name}", enrolled_at=at)
            for name, device in devices.items()
        ]
    ).run()
    worker = _actor("fieldworker", devices["fieldworker"])
    supervisor = _actor("supervisor", devices["supervisor"])
    assert Role.SUPERVISOR in supervisor.roles
    for index, visit in enumerate(VISITS):
        visit_id = demo_id(f"visit/{visit.household}/{visit.days_ago}")
        visited_on = (at - dt.timedelta(days=visit.days_ago)).date()
        finalized = dt.datetime.combine(visited_on, dt.time(11, 15), tzinfo=dt.UTC)
        files = {
            "signature_resident.png": signature_png(index * 2),
            "signature_worker.png": signature_png(index * 2 + 1),
        }
        body = VisitWrite(
            case_id=demo_id(f"case/{visit.household}"),
            form_key=FORM_KEY,
            form_version=FORM_VERSION,
            visited_on=visited_on,
            finalized_at=finalized,
            answers=_answers(visit, visited_on, finalized),
            attachments=[
                DeclaredAttachment(
                    name=name,
                    sha256=hashlib.sha256(data).hexdigest(),
                    content_type="image/png",
                    size=len(data),
                )
                for name, data in files.items()
            ],
        )
        await services.record_visit(worker, visit_id, body)
        for name, data in files.items():
            await services.store_attachment(worker, visit_id, name, "image/png", data)
        if visit.decision is not None:
            decision = ReviewWrite(decision=visit.decision, comment=visit.comment)  # type: ignore[arg-type]
            await review.review_visit(supervisor, visit_id, decision)
    await _seed_followups(worker, _actor("debtcounsel", devices["debtcounsel"]), at)
    return len(VISITS)


async def _seed_followups(worker: Actor, counsellor: Actor, at: dt.datetime) -> None:
    """The first approved visit asked for help: the GGD has not picked it up yet, debt
    counselling has (so both inboxes and the plan show something)."""
    from api.followups.actions import act
    from api.followups.schemas import ActionWrite, FollowupWrite
    from api.followups.services import record_followup

    first = VISITS[0]
    visit_id = demo_id(f"visit/{first.household}/{first.days_ago}")
    case_id = demo_id(f"case/{first.household}")
    today = at.date()
    for key, kind, need, categories in [
        (
            "ggd",
            "ggd",
            "Somberheid en slecht slapen sinds baanverlies: kijken welke hulp past",
            ["contact_details", "mental_health_notes"],
        ),
        (
            "schuldhulp",
            "debt_counselling",
            "Aanmelding schuldhulpverlening: overzicht van schulden maken",
            ["contact_details", "debts", "arrears_amount"],
        ),
    ]:
        followup_id = demo_id(f"followup/{first.household}/{kind}")
        await record_followup(
            worker,
            followup_id,
            FollowupWrite(
                case_id=case_id,
                recipient_organisation_id=demo_id(f"org/{key}"),
                need=need,
                due_on=today + dt.timedelta(days=10),
                categories=categories,
                visit_id=visit_id,
            ),
        )
    await act(
        counsellor,
        demo_id(f"followup/{first.household}/debt_counselling"),
        "claim",
        ActionWrite(action_id=demo_id("action/demo-claim")),
    )
