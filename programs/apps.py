from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs and enrollment"

    def ready(self) -> None:
        from mentorship.accounts.plugins import email_confirmed_steps, sign_in_steps
        from programs.sign_in import claim_invitations_of_address, take_up_invitation

        sign_in_steps.register("program-invitation", take_up_invitation)
        email_confirmed_steps.register("program-invitations", claim_invitations_of_address)
