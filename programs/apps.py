from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs and enrollment"

    def ready(self) -> None:
        from mentorship.accounts.plugins import email_confirmed_steps, email_proofs
        from programs.sign_in import claim_invitations_of_address, invitation_proves_address

        email_proofs.register("program-invitation", invitation_proves_address)
        email_confirmed_steps.register("program-invitations", claim_invitations_of_address)
