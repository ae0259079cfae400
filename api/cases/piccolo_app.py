import os

from piccolo.conf.apps import AppConfig

from api.cases.tables import (
    CaseAssignment,
    CaseConflict,
    CaseEvent,
    CaseParticipant,
    ConsentRecord,
    HouseholdCase,
)

APP_CONFIG = AppConfig(
    app_name="cases",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        HouseholdCase,
        CaseParticipant,
        CaseAssignment,
        CaseEvent,
        CaseConflict,
        ConsentRecord,
    ],
    migration_dependencies=["api.accounts.piccolo_app"],
    commands=[],
)
