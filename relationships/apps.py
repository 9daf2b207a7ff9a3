from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        from mentorship.notifications.providers import context_providers
        from relationships.reminders import AGREEMENT_PENDING, agreement_pending_context

        context_providers.register(AGREEMENT_PENDING, agreement_pending_context)
