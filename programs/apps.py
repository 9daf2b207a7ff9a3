from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs and enrollment"

    def ready(self) -> None:
        from mentorship.accounts.plugins import email_confirmed_steps, email_proofs
        from programs.plugins import JobKind, job_kinds
        from programs.services import INVITATIONS_IMPORT, invitations_import_run
        from programs.sign_in import claim_invitations_of_address, invitation_proves_address

        email_proofs.register("program-invitation", invitation_proves_address)
        email_confirmed_steps.register("program-invitations", claim_invitations_of_address)
        job_kinds.register(
            INVITATIONS_IMPORT,
            JobKind(_("Invitations"), invitations_import_run, "programs/manage/_invite_report.html"),
        )
