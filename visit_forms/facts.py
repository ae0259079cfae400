"""Case facts a form may fill (`fills:`), with the question type each needs.

This is the contract between a form and the case: the signal form fills the arrears and the
Wgs conditions, and the visit service copies them to the case when it receives the visit.
`wgs.<condition>` names a legal-duty condition of the covenant.
"""

CASE_FACTS: dict[str, str] = {
    "signal.arrears_cents": "money",
    "signal.arrears_months": "integer",
    "signal.signal_date": "date",
    "signal.objected_to_sharing": "yes_no",
}
WGS_PREFIX = "wgs."
WGS_FACT_TYPE = "yes_no"
