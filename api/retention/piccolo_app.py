import os

from piccolo.conf.apps import AppConfig

from api.retention.tables import CaseStatistic

APP_CONFIG = AppConfig(
    app_name="retention",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[CaseStatistic],
    migration_dependencies=[],
    commands=[],
)
