from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: object) -> None:
    from mentorship.accounts.roles import ensure_program_admin_group

    ensure_program_admin_group()


class AccountsConfig(AppConfig):
    name = "mentorship.accounts"
    label = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self) -> None:
        # Permissions only exist after migrate has run, so the role is kept in step right after it.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
