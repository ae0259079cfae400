import os

from piccolo.conf.apps import AppConfig

from api.sync.tables import SyncCounter, SyncRemoval

APP_CONFIG = AppConfig(
    app_name="sync",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[SyncCounter, SyncRemoval],
    migration_dependencies=[],
    commands=[],
)
