"""The published forms as a tablet fetches them."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from api.covenant.loader import load_covenant
from api.forms.catalogue import covenant_codes
from tests.helpers import headers_for
from visit_forms import compile_definition


async def test_forms_need_a_signed_in_device(client: AsyncTestClient) -> None:
    response = await client.get("/api/forms")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_a_worker_lists_every_published_form_version(client: AsyncTestClient) -> None:
    response = await client.get("/api/forms", headers=await headers_for(client, "fieldworker"))
    assert response.status_code == 200
    forms = {(form["key"], form["version"]): form for form in response.json()}
    assert set(forms) == {
        ("signaal_huurachterstand", 1),
        ("keukentafelgesprek", 1),
        ("keukentafelgesprek", 2),
        ("vervolgbezoek", 1),
        ("casusoverleg", 1),
    }
    # Version 1 stays served for drafts begun on it; new visits start on version 2.
    assert forms[("keukentafelgesprek", 1)]["latest"] is False
    kitchen = forms[("keukentafelgesprek", 2)]
    assert kitchen["title"]["nl"] == "Keukentafelgesprek"
    assert kitchen["latest"] is True


async def test_a_definition_is_served_whole_and_cached_for_good(client: AsyncTestClient) -> None:
    headers = await headers_for(client, "fieldworker")
    response = await client.get("/api/forms/keukentafelgesprek/1", headers=headers)
    assert response.status_code == 200
    served = response.json()
    assert response.headers["etag"] == f'"{served["sha256"]}"'
    assert "immutable" in response.headers["cache-control"]
    assert served["key"] == "keukentafelgesprek" and served["version"] == 1
    assert set(served["zrm"]["domains"]) >= {"financien", "geestelijke_gezondheid", "justitie"}
    # What the tablet receives is a definition the engine loads to the same meaning.
    again = compile_definition(served["definition"], covenant_codes(load_covenant()))
    assert list(again.order) == served["evaluation_order"]
    consent = {q.code: list(q.consent_pairs) for q in again.questions.values() if q.consent_pairs}
    assert consent == served["consent_pairs"]
    assert "mental_health_notes/ggd" in next(iter(consent.values()))
    # The covenant never shares mental-health notes with a landlord, so it is not even asked.
    assert "mental_health_notes/housing_corporation" not in next(iter(consent.values()))


async def test_an_unknown_form_version_is_a_clear_404(client: AsyncTestClient) -> None:
    headers = await headers_for(client, "fieldworker")
    response = await client.get("/api/forms/keukentafelgesprek/99", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "form_not_found"


async def test_a_version_that_is_not_a_number_is_a_bad_parameter(client: AsyncTestClient) -> None:
    headers = await headers_for(client, "fieldworker")
    response = await client.get("/api/forms/keukentafelgesprek/v1", headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
