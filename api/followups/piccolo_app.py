import os

from piccolo.conf.apps import AppConfig

from api.followups.tables import Followup, FollowupAction

APP_CONFIG = AppConfig(
    app_name="followups",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Followup, FollowupAction],
    migration_dependencies=["api.visits.piccolo_app"],
    commands=[],
)
