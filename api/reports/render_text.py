"""Text for the report PDF: the embedded font, paragraph styles, Dutch formats, safe markup.

The font is Bitstream Vera, which ships inside ReportLab: embedded (so the sealed file shows the
same on every reader), it has the euro sign, Dutch diacritics and the Turkish and most Central
European letters. User text goes through `para`/`safe`, which escape ReportLab's markup and
replace what the font cannot draw, so an answer like "<b> & co" prints literally.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.platypus import Paragraph

_FONT_DIR = Path(reportlab.__file__).with_name("fonts")
FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC = "Vera", "VeraBd", "VeraIt", "VeraBI"
for _name in (FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC):
    pdfmetrics.registerFont(TTFont(_name, str(_FONT_DIR / f"{_name}.ttf")))
pdfmetrics.registerFontFamily(
    FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
)

GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#BBBBBB")
SHADE = colors.HexColor("#F0F0F0")

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5, textColor=GREY)
LABEL = ParagraphStyle("label", parent=BODY, fontName=FONT_BOLD, fontSize=8.5, leading=11)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=11)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)
CELL_CENTRE = ParagraphStyle("cell_centre", parent=CELL, alignment=TA_CENTER)
HEAD_CELL = ParagraphStyle("head_cell", parent=CELL, fontName=FONT_BOLD, fontSize=7.5, leading=9)
HEAD_CENTRE = ParagraphStyle("head_centre", parent=HEAD_CELL, alignment=TA_CENTER)
ORGANISATION = ParagraphStyle(
    "organisation", parent=BODY, fontName=FONT_BOLD, fontSize=10, textColor=GREY
)
TITLE = ParagraphStyle(
    "title", parent=BODY, fontName=FONT_BOLD, fontSize=16, leading=20, spaceBefore=2, spaceAfter=6
)
NOTICE = ParagraphStyle("notice", parent=BODY, fontName=FONT_BOLD, fontSize=10, spaceAfter=4)
HEADING = ParagraphStyle(
    "heading",
    parent=BODY,
    fontName=FONT_BOLD,
    fontSize=11.5,
    leading=14,
    spaceBefore=12,
    spaceAfter=5,
    keepWithNext=True,
)
SUBHEADING = ParagraphStyle(
    "subheading", parent=LABEL, spaceBefore=6, spaceAfter=3, keepWithNext=True
)

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

try:
    # Times are shown as the worker and the household saw them.
    LOCAL_ZONE: dt.tzinfo = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # a container without tzdata: still a readable, honest time
    LOCAL_ZONE = dt.UTC


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dutch_datetime(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(LOCAL_ZONE)
    return f"{dutch_date(local.date())} om {local:%H:%M}"


def dutch_timestamp(text: str) -> str:
    """An ISO 8601 timestamp from an answer, in Dutch; the text itself when it does not parse."""
    try:
        return dutch_datetime(dt.datetime.fromisoformat(text))
    except ValueError:
        return text


def euros(cents: int) -> str:
    """Cents as Dutch money: 184650 -> "€ 1.846,50", -57000 -> "€ -570,00"."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"€ {sign}{whole:,}".replace(",", ".") + f",{rest:02d}"


def dutch_decimal(text: str) -> str:
    """A decimal answer as stored ("12.5") with a Dutch decimal comma ("12,5")."""
    return text.replace(".", ",")


def lowercase_first(text: str) -> str:
    """ "Keukentafelgesprek" -> "keukentafelgesprek", but an acronym like "ZRM-meting" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


@cache
def _drawable() -> frozenset[int]:
    regular = TTFontFile(str(_FONT_DIR / f"{FONT}.ttf")).charToGlyph
    bold = TTFontFile(str(_FONT_DIR / f"{FONT_BOLD}.ttf")).charToGlyph
    return frozenset(set(regular) & set(bold))


def fit_to_font(text: str) -> str:
    """Replace characters the font lacks: by their base letter where there is one (a Polish
    "ż" becomes "z"), else by "?", so nothing silently disappears from the page."""
    drawable = _drawable()
    out: list[str] = []
    for char in text:
        if char in "\n\t" or ord(char) in drawable:
            out.append(char)
            continue
        if unicodedata.category(char)[0] in "CZ":
            # Control, format and odd space characters: a plain space keeps words apart.
            out.append(" ")
            continue
        base = "".join(
            part for part in unicodedata.normalize("NFKD", char) if ord(part) in drawable
        )
        out.append(base or "?")
    return "".join(out)


def safe(text: str) -> str:
    """User text as Paragraph markup: escaped, drawable, line breaks kept."""
    lines = escape(fit_to_font(text)).split("\n")
    return "<br/>".join(line.replace("\t", " ") for line in lines)


def para(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    """A paragraph of plain (user) text: nothing in it is read as markup."""
    return Paragraph(safe(text), style)
