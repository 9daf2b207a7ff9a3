from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentorship.notifications"
    label = "notifications"
    verbose_name = "Notifications and audit"

    def ready(self) -> None:
        from mentorship.accounts.plugins import account_mail_senders, profile_panels
        from mentorship.notifications import audit_receivers
        from mentorship.notifications.outbox import email_queue_rendered
        from mentorship.notifications.panels import profile_panel

        # Account emails (confirmations, password resets) go through the outbox like every other email.
        account_mail_senders.register("outbox", email_queue_rendered)
        profile_panels.register("notifications", profile_panel)
        audit_receivers.connect()
