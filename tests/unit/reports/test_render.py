"""The visit report PDF, read back the way a person (or poppler) reads it."""

import dataclasses
import datetime as dt
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from api.lib.errors import BadSignatureImage
from api.reports.render import render_report
from tests.unit.reports.report_samples import (
    ADDRESS,
    CASE_ID,
    ORGANISATION,
    PHOTO_CAPTION,
    REPORT_ID,
    RESIDENT,
    SUPERVISOR,
    VISIT_ID,
    WORKER,
    sample_answers,
    sample_content,
    sample_form,
)
from visit_forms import validate
from visit_forms.zrm import DOMAINS


class Pdf:
    """A rendered report on disk, with poppler's view of it."""

    def __init__(self, data: bytes, directory: Path) -> None:
        self.data = data
        self.path = directory / f"report-{uuid.uuid4().hex}.pdf"
        self.path.write_bytes(data)

    def run(self, *command: str) -> str:
        result = subprocess.run(
            [*command, str(self.path), *(["-"] if command[0] == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return result.stdout

    def text(self) -> str:
        return self.run("pdftotext", "-layout")

    def pages(self) -> list[str]:
        """The text per page (pdftotext ends every page with a form feed)."""
        return self.text().split("\f")[:-1]

    def raw_page(self, number: int) -> str:
        """One page in content-stream order, where the diagonal watermark's letters stay
        together (the layout mode scatters rotated text over several lines)."""
        return self.run("pdftotext", "-raw", "-f", str(number), "-l", str(number))

    def info(self) -> dict[str, str]:
        lines = self.run("pdfinfo").splitlines()
        pairs = (line.partition(":") for line in lines)
        return {key.strip(): value.strip() for key, _, value in pairs}

    def images(self) -> list[dict[str, str]]:
        lines = self.run("pdfimages", "-list").splitlines()
        names = lines[0].split()
        return [dict(zip(names, line.split(), strict=False)) for line in lines[2:]]

    def line_with(self, start: str) -> list[str]:
        """The words of the first text line that starts with `start`."""
        for line in self.text().splitlines():
            if line.strip().startswith(start):
                return line.split()
        raise AssertionError(f"no line starts with {start!r}")


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def draft(directory: Path) -> Pdf:
    return Pdf(render_report(sample_content(draft=True)), directory)


@pytest.fixture(scope="module")
def final(directory: Path) -> Pdf:
    return Pdf(render_report(sample_content(draft=False)), directory)


def flat(text: str) -> str:
    """Text with all white space between words made one space."""
    return " ".join(text.split())


def test_the_header_says_who_visited_whom_when_and_for_which_organisation(final):
    text = final.text()

    assert ORGANISATION in text
    assert "Verslag keukentafelgesprek" in text
    assert WORKER in text
    assert "Noor, Daan" in text
    assert ADDRESS in text
    assert str(CASE_ID) in text
    assert str(VISIT_ID) in text
    assert final.line_with("Datum bezoek") == ["Datum", "bezoek", "24", "november", "2026"]
    assert final.line_with("Afgerond op")[2:] == ["24", "november", "2026", "om", "11:52"]
    assert "Correctie van bezoek" not in text


def test_a_correction_names_the_visit_it_replaces(directory):
    replaced = uuid.UUID("11111111-2222-4333-8444-555555555555")

    pdf = Pdf(render_report(sample_content(replaces=replaced)), directory)

    assert f"Correctie van bezoek {replaced}" in pdf.text()


def test_answers_are_shown_by_their_labels_not_their_codes(final):
    text = final.text()

    assert "Hoe is de woonsituatie? Te duur voor het inkomen" in flat(text)
    assert "too_expensive" not in text
    # A repeat group as a table: role and kind of debt by label, yes/no as Ja/Nee.
    assert final.line_with("Noor") == ["Noor", "Huurder", "1988"]
    assert final.line_with("Daan") == ["Daan", "Kind", "2014"]
    assert final.line_with("Zorgverzekeraar") == [
        "Zorgverzekeraar",
        "Zorgverzekering",
        "€",
        "412,00",
        "Ja",
    ]
    assert final.line_with("Woningcorporatie ")[-1] == "Nee"
    # select_many as a list of labels.
    for label in ["Betalingsregeling met de verhuurder", "Hulp bij psychische klachten"]:
        assert label in text
    assert "payment_arrangement" not in text
    # Dates the Dutch way.
    assert "1 december 2026" in text
    assert "2026-12-01" not in text
    assert "Financiën" in text  # diacritics survive the font and the extraction


def test_amounts_in_cents_are_shown_in_euros(final, directory):
    text = final.text()

    assert final.line_with("Woningcorporatie ")[-3:-1] == ["€", "1.846,50"]
    assert final.line_with("Totale schuld")[-2:] == ["€", "2.898,50"]
    assert final.line_with("Huur per maand")[-2:] == ["€", "825,00"]
    assert "184650" not in text

    answers = sample_answers() | {"rent_monthly": 225000, "monthly_balance": -57000}
    shortfall = Pdf(render_report(sample_content(draft=False, answers=answers)), directory)
    assert shortfall.line_with("Over per maand")[-2:] == ["€", "-570,00"]
    assert shortfall.line_with("Huur per maand")[-2:] == ["€", "2.250,00"]


def test_notes_and_unanswered_questions_are_left_out(final):
    text = flat(final.text())

    assert "Geef per domein een score" not in text  # the ZRM note
    assert "Vraag per soort informatie" not in text  # the consent note
    assert "Toelichting financiën" in text
    assert "Toelichting werk & opleiding" not in text  # not answered


def test_every_zrm_domain_is_listed_with_its_level_and_change_since_the_last_visit(final):
    text = final.text()

    for domain in DOMAINS.values():
        assert domain.nl in text
    assert final.line_with("Financiën") == ["Financiën", "2", "Niet", "zelfredzaam", "+1"]
    assert final.line_with("Geestelijke gezondheid")[-4:] == ["2", "Niet", "zelfredzaam", "-2"]
    assert final.line_with("Werk & opleiding")[-1] == "0"
    # Not scored at the visit before: no change to show.
    assert final.line_with("Justitie") == ["Justitie", "5", "Volledig", "zelfredzaam", "-"]


def test_the_consent_grid_shows_given_refused_and_not_asked(final):
    header = final.line_with("Informatie")
    assert header[1:3] == ["Gemeente", "GGD"]
    assert "Woningcorporatie" in header

    assert final.line_with("Contactgegevens")[1:] == ["ja"] * 5
    assert final.line_with("ZRM-scores")[1:] == ["ja", "ja", "ja", "ja", "nee"]
    # Health notes never go to debt counselling or the housing corporation: not asked.
    assert final.line_with("Aantekeningen")[1:] == ["ja", "ja", "ja", "-", "-"]


def test_the_follow_ups_name_the_receiving_organisation_and_the_need(final):
    text = flat(final.text())

    assert "Vervolg bij andere organisaties" in text
    assert "Schuldhulpverlening Schuldhulpverlening: schulden in kaart brengen" in text
    assert "GGD Psychische klachten of middelengebruik" in text


def test_both_signatures_are_drawn_with_transparency_and_named(final):
    text = flat(final.text())

    assert f"{RESIDENT} {WORKER}" in text
    assert text.count("Getekend op 24 november 2026 om 11:45") == 2
    images = final.images()
    masks = [image for image in images if image["type"] == "smask"]
    assert len(masks) == 2
    # Each signature is drawn from the cropped PNG (the pad's canvas was 800 x 300).
    for mask in masks:
        assert int(mask["width"]) < 800
        assert int(mask["height"]) < 300


def test_a_photo_is_shown_as_a_small_thumbnail_with_its_caption(final):
    photos = [image for image in final.images() if image["enc"] == "jpeg"]

    assert len(photos) == 1
    assert int(photos[0]["width"]) <= 600  # taken at 1600 x 1200
    assert PHOTO_CAPTION in final.text()


def test_a_draft_says_concept_on_every_page_and_a_final_report_nowhere(draft, final):
    pages = len(draft.pages())
    assert pages >= 2
    for number in range(1, pages + 1):
        assert "CONCEPT" in "".join(draft.raw_page(number).split())
    for page in draft.pages():
        assert "Concept, niet goedgekeurd" in page

    final_text = final.text()
    assert "CONCEPT" not in "".join(final_text.split())
    assert "Concept" not in final_text
    for number in range(1, len(final.pages()) + 1):
        assert "CONCEPT" not in "".join(final.raw_page(number).split())


def test_the_final_report_shows_who_approved_it_and_when(final, draft):
    assert f"Goedgekeurd door {SUPERVISOR} op 26 november 2026 om 09:15" in flat(final.text())
    assert "Goedgekeurd" not in draft.text()
    assert "Concept: nog niet goedgekeurd" in draft.text()


def test_every_page_has_its_number_the_report_id_and_the_data_hash(draft, final):
    for pdf in (draft, final):
        pages = pdf.pages()
        content = sample_content()
        for number, page in enumerate(pages, start=1):
            footer = flat(page)
            assert f"Pagina {number} van {len(pages)}" in footer
            assert f"Verslag {REPORT_ID}" in footer
            assert f"SHA-256 van de bezoekgegevens: {content.data_sha256}" in footer


def test_the_report_is_a_few_a4_pages_of_pdf_that_can_be_sealed_later(final, draft):
    for pdf in (final, draft):
        info = pdf.info()
        assert 2 <= int(info["Pages"]) <= 5
        major, minor = (int(part) for part in info["PDF version"].split("."))
        assert (major, minor) <= (1, 7)
        assert info["Encrypted"] == "no"
        assert info["Page size"].endswith("(A4)")
        assert info["Title"] == "Verslag keukentafelgesprek"
        assert info["Author"] == ORGANISATION
        assert pdf.data.startswith(b"%PDF-1.")
        assert b"/Encrypt" not in pdf.data


def test_text_that_looks_like_markup_is_printed_literally(directory):
    answers = sample_answers() | {
        "housing_notes": "Huur <b>te hoog</b> & <para>brief</para> <script>x</script> 5 < 6",
        "household_wishes": "Regel één\nRegel twee & drie",
    }
    answers["members_present"] = [{"member_name": "Bo & <i>Lu</i>", "member_relation": "other"}]

    pdf = Pdf(render_report(sample_content(answers=answers, draft=False)), directory)

    text = flat(pdf.text())
    assert "Huur <b>te hoog</b> & <para>brief</para> <script>x</script> 5 < 6" in text
    assert "Bo & <i>Lu</i> Anders" in text
    assert "Regel één" in text
    assert "Regel twee & drie" in text


def test_letters_the_font_lacks_become_their_base_letter_instead_of_vanishing(directory):
    answers = sample_answers()
    answers["members_present"] = [{"member_name": "Łukasz Woźniak", "member_relation": "tenant"}]

    pdf = Pdf(render_report(sample_content(answers=answers, draft=False)), directory)

    assert "Łukasz Wozniak" in pdf.text()


def test_a_long_text_runs_on_over_the_page_instead_of_failing(directory):
    words = [f"woord{number}" for number in range(450)]
    answers = sample_answers() | {"household_wishes": " ".join(words)[:4000]}

    pdf = Pdf(render_report(sample_content(answers=answers, draft=False)), directory)

    text = pdf.text()
    assert "woord0" in text
    assert "woord449" in text


def test_a_visit_with_only_the_required_answers_still_renders(directory):
    answers = {
        key: sample_answers()[key]
        for key in ["visit_date", "consent", "signature_resident", "signature_worker"]
    }
    answers["members_present"] = [{"member_name": "Noor", "member_relation": "tenant"}]
    assert validate(sample_form(), answers, today=dt.date(2026, 11, 30)) == []

    content = sample_content(answers=answers, previous_zrm=None, followups=())
    pdf = Pdf(render_report(content), directory)

    text = pdf.text()
    assert "Zelfredzaamheid" not in text
    assert "Schuldeiser" not in text
    assert "Inkomen en vaste lasten" not in text
    assert "Er is geen vervolg bij andere organisaties gevraagd." in text
    assert RESIDENT in text
    assert pdf.line_with("Noor") == ["Noor", "Huurder"]
    assert len([image for image in pdf.images() if image["type"] == "smask"]) == 2


def test_a_report_is_not_rendered_without_the_drawn_signature(directory):
    content = sample_content()
    without = dataclasses.replace(
        content,
        attachments={
            name: data for name, data in content.attachments.items() if "resident" not in name
        },
    )

    with pytest.raises(BadSignatureImage, match="missing"):
        render_report(without)


def test_a_report_is_not_rendered_with_a_signature_that_is_no_png(directory):
    content = sample_content()
    broken = dataclasses.replace(
        content, attachments={**content.attachments, "signature_worker.png": b"<svg/>"}
    )

    with pytest.raises(BadSignatureImage):
        render_report(broken)


def test_times_are_shown_in_dutch_local_time(directory):
    content = sample_content(
        draft=False,
        finalized_at=dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC),  # summer time: 11:30
    )

    pdf = Pdf(render_report(content), directory)

    assert re.search(r"Afgerond op\s+1 juli 2026 om 11:30", pdf.text())
