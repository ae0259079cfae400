"""PDF helpers for tests: a small report-like PDF to seal, pdfsig with an NSS database that trusts
given certificates, its output as data, and the ways a sealed file gets altered.

Integration tests reuse these: `pdfsig` is the independent second opinion (poppler + NSS) next to
pyHanko's validator.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

# Stands in a content stream of `small_pdf` as plain text, so a test can change a signed byte.
AMOUNT_TEXT = "Huurachterstand: EUR 1234,56"


def small_pdf(pages: int = 3) -> bytes:
    """A few pages of text, uncompressed so its words can be found (and altered) in the bytes."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle("Verslag keukentafelgesprek")
    for page in range(1, pages + 1):
        pdf.drawString(72, 770, f"Verslag keukentafelgesprek, pagina {page} van {pages}")
        pdf.drawString(72, 740, AMOUNT_TEXT)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    reader = PdfFileReader(io.BytesIO(pdf))
    return int(reader.root["/Pages"]["/Count"])


def pdf_versions(pdf: bytes) -> tuple[tuple[int, int], tuple[int, int]]:
    """The version in the header and the one in force (the catalog's /Version may raise it)."""
    header = re.match(rb"%PDF-(\d)\.(\d)", pdf)
    assert header, "no PDF header"
    in_force = PdfFileReader(io.BytesIO(pdf)).input_version
    return (int(header[1]), int(header[2])), in_force


def change_signed_byte(sealed: bytes) -> bytes:
    """The amount in the first page's text, one digit changed: a byte inside the signed range."""
    at = sealed.index(AMOUNT_TEXT.encode()) + AMOUNT_TEXT.index("1")
    return sealed[:at] + b"9" + sealed[at + 1 :]


def _signature_contents(sealed: bytes) -> tuple[int, int]:
    """Where the hex digits of the (only) signature's /Contents start and end."""
    start = sealed.index(b"/Contents <") + len(b"/Contents <")
    return start, sealed.index(b">", start)


def change_signature_padding(sealed: bytes) -> bytes:
    """A zero in the unused tail of /Contents made a one: outside the signed range."""
    _, end = _signature_contents(sealed)
    at = end - 10
    assert sealed[at : at + 1] == b"0", "expected zero padding at the end of /Contents"
    return sealed[:at] + b"1" + sealed[at + 1 :]


def whiten_signature_padding(sealed: bytes) -> bytes:
    """A zero in the unused tail of /Contents made a line break, which readers skip."""
    _, end = _signature_contents(sealed)
    at = end - 10
    assert sealed[at : at + 1] == b"0", "expected zero padding at the end of /Contents"
    return sealed[:at] + b"\n" + sealed[at + 1 :]


def flip_case_in_signature(sealed: bytes) -> bytes:
    """The first hex letter of the signature itself in the other case: the same byte decoded."""
    start, end = _signature_contents(sealed)
    at = next(i for i in range(start, end) if sealed[i : i + 1].isalpha())
    return sealed[:at] + sealed[at : at + 1].swapcase() + sealed[at + 1 :]


def append_retitling_update(sealed: bytes) -> bytes:
    """An incremental update that only changes the document's title in its metadata."""
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    info = generic.DictionaryObject(
        {generic.pdf_name("/Title"): generic.pdf_string("Verslag (aangepast)")}
    )
    writer.trailer["/Info"] = writer.add_object(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def append_unchanged_revision(sealed: bytes) -> bytes:
    """An incremental update that writes the catalog again, unchanged: nothing visible differs."""
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def resave(sealed: bytes) -> bytes:
    """The whole file written anew, as an editor's "save as" does: every object, new offsets."""
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(sealed)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def nss_database(directory: Path, certificates: Iterable[Path]) -> Path:
    """An NSS database in `directory` trusting each PEM certificate as a CA ("CT,C,C")."""
    directory.mkdir(parents=True, exist_ok=True)
    _run(["certutil", "-N", "--empty-password", "-d", f"sql:{directory}"])
    for number, certificate in enumerate(certificates):
        _run(
            [
                "certutil",
                "-A",
                "-n",
                f"seal-{number}",
                "-t",
                "CT,C,C",
                "-i",
                str(certificate),
                "-d",
                f"sql:{directory}",
            ]
        )
    return directory


def pdfsig(path: Path, nssdir: Path) -> list[dict[str, str]]:
    """pdfsig's verdict per signature: its "- Key: value" lines, and "Total document signed" as
    "yes" or "no". An empty list when the file has no signatures.

    No -no-ocsp: with it, poppler 22.12 reports even a trusted certificate as "Unknown issue with
    Certificate or corrupted data". The development certificates name no OCSP responder, so
    nothing is fetched anyway.
    """
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nssdir}", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        timeout=60,
    )
    if "does not contain any signatures" in result.stdout + result.stderr:
        return []
    signatures: list[dict[str, str]] = []
    for line in result.stdout.splitlines():
        if re.match(r"Signature #\d+:", line):
            signatures.append({})
        elif line.startswith("  - ") and signatures:
            entry = line[4:].strip()
            if entry.lower() in ("total document signed", "not total document signed"):
                signatures[-1]["Total document signed"] = (
                    "yes" if entry.lower() == "total document signed" else "no"
                )
            elif ": " in entry:
                key, value = entry.split(": ", 1)
                signatures[-1][key] = value
    assert signatures or result.returncode == 0, (
        f"pdfsig failed ({result.returncode}): {result.stdout}{result.stderr}"
    )
    return signatures


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{command[0]} failed: {result.stdout}{result.stderr}"
