import os

from piccolo.conf.apps import AppConfig

from api.notifications.tables import Notification, PushDelivery, PushSubscription

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Notification, PushSubscription, PushDelivery],
    migration_dependencies=["api.accounts.piccolo_app"],
    commands=[],
)
