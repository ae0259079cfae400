import os

from piccolo.conf.apps import AppConfig

from api.accounts.tables import Device, LoginFailure, Organisation, RefreshToken, UserAccount

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Organisation, UserAccount, Device, RefreshToken, LoginFailure],
    migration_dependencies=[],
    commands=[],
)
