"""The Zelfredzaamheid-Matrix: its 13 domains and 5 levels by name (the criteria texts are the
publisher's; the forms carry the project's own short guidance as hints)."""

from visit_forms.schema import Text

DOMAINS: dict[str, Text] = {
    "financien": Text(nl="Financiën", en="Finances"),
    "werk_opleiding": Text(nl="Werk & opleiding", en="Work & education"),
    "tijdsbesteding": Text(nl="Tijdsbesteding", en="Time use"),
    "huisvesting": Text(nl="Huisvesting", en="Housing"),
    "huiselijke_relaties": Text(nl="Huiselijke relaties", en="Domestic relations"),
    "geestelijke_gezondheid": Text(nl="Geestelijke gezondheid", en="Mental health"),
    "lichamelijke_gezondheid": Text(nl="Lichamelijke gezondheid", en="Physical health"),
    "middelengebruik": Text(nl="Middelengebruik", en="Substance use"),
    "basale_adl": Text(nl="Basale ADL", en="Basic activities of daily living"),
    "instrumentele_adl": Text(nl="Instrumentele ADL", en="Instrumental activities of daily living"),
    "sociaal_netwerk": Text(nl="Sociaal netwerk", en="Social network"),
    "maatschappelijke_participatie": Text(
        nl="Maatschappelijke participatie", en="Social participation"
    ),
    "justitie": Text(nl="Justitie", en="Justice"),
}

LEVELS: dict[int, Text] = {
    1: Text(nl="Acute problematiek", en="Acute problems"),
    2: Text(nl="Niet zelfredzaam", en="Not self-reliant"),
    3: Text(nl="Beperkt zelfredzaam", en="Limited self-reliance"),
    4: Text(nl="Voldoende zelfredzaam", en="Sufficiently self-reliant"),
    5: Text(nl="Volledig zelfredzaam", en="Fully self-reliant"),
}
