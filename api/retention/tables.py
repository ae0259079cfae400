"""What is left of a case once retention anonymised it: one row of anonymous statistics.

The row gets an id of its own, never the case's: the audit trail keeps naming the case id for
its longer period, and nothing may lead from there to these figures. Dates are months,
amounts bands, durations whole days (see api.retention.statistics for why).
"""

from piccolo.columns import JSON, UUID, Boolean, Date, Integer, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class CaseStatistic(Table, tablename="case_statistic"):
    id = UUID(primary_key=True, default=UUID4())
    # First days of the months the case was signalled and closed.
    signal_month = Date(null=True, default=None)
    closed_month = Date()
    # The organisation that signalled it (an organisation is no person), and the kinds of the
    # organisations that took part and directed it.
    signal_source = UUID(null=True, default=None, index=True)
    signal_source_kind = Varchar(length=50, default="")
    director_kind = Varchar(length=50, default="")
    participant_kinds = JSON(default=[])
    household_size = Integer(default=0)
    # The last known arrears as a band ("1000-2500", in euros), and in months.
    arrears_band = Varchar(length=20, default="")
    arrears_months = Integer(default=0)
    objected_to_sharing = Boolean(default=False)
    # The process steps in the order first reached, and the last before it was closed.
    steps = JSON(default=[])
    outcome_step = Varchar(length=40, default="")
    days_open = Integer(default=0)
    days_signal_to_first_visit = Integer(null=True, default=None)
    # {form_key: count} and {recipient_kind: {state: count}}.
    visits = JSON(default={})
    followups = JSON(default={})
