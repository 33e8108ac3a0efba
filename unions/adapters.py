from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """There is no open sign-up: accounts are created by an officer of the level above."""

    def is_open_for_signup(self, request):
        return False
