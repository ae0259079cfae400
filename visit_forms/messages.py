"""The engine's own messages per error code, in Dutch and English. Constraint messages come
from the form definition instead. Codes are stable; the wording may improve."""

from __future__ import annotations

from typing import Any

from visit_forms.schema import Text

MESSAGES: dict[str, Text] = {
    "required": Text(nl="Dit is verplicht.", en="This is required."),
    "wrong_type": Text(
        nl="Dit antwoord heeft niet de juiste vorm.", en="This answer has the wrong form."
    ),
    "not_an_option": Text(
        nl="Dit is geen keuze van deze vraag.", en="This is not one of the choices."
    ),
    "duplicate": Text(nl="Een keuze staat er dubbel in.", en="A choice appears twice."),
    "too_long": Text(nl="Maximaal {max_length} tekens.", en="At most {max_length} characters."),
    "too_many_decimals": Text(
        nl="Maximaal {decimals} cijfers achter de komma.", en="At most {decimals} decimals."
    ),
    "out_of_range": Text(nl="Dit getal valt buiten het bereik.", en="This number is out of range."),
    "too_few_items": Text(nl="Vul er minstens {min_items} in.", en="Give at least {min_items}."),
    "too_many_items": Text(nl="Maximaal {max_items}.", en="At most {max_items}."),
    "incomplete": Text(
        nl="Kies bij elke regel: wel of geen toestemming.",
        en="Choose consent given or refused on every line.",
    ),
    "bad_attachment_name": Text(
        nl="De bijlage heeft een ongeldige naam.", en="The attachment name is not valid."
    ),
    "signer_name_missing": Text(
        nl="Vul de naam van wie tekent in.", en="Fill in the name of who signs."
    ),
    "unknown_question": Text(
        nl="Deze vraag bestaat niet in dit formulier.", en="This form has no such question."
    ),
    "read_only": Text(nl="Hier hoort geen antwoord bij.", en="This takes no answer."),
    "computed_mismatch": Text(
        nl="Deze berekende waarde klopt niet; het formulier rekent hem opnieuw uit.",
        en="This computed value does not match; the form recalculates it.",
    ),
}


def message_for(code: str, detail: dict[str, Any]) -> Text:
    template = MESSAGES[code]
    try:
        return Text(nl=template.nl.format(**detail), en=template.en.format(**detail))
    except (KeyError, IndexError):
        return template
