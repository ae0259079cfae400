import os

from piccolo.conf.apps import AppConfig

from api.reports.tables import VisitReport

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[VisitReport],
    migration_dependencies=["api.visits.piccolo_app"],
    commands=[],
)
