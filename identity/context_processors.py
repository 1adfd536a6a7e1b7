from core.assurance import assurance_of


def assurance(request):
    """How the signed-in user signed in, for the header (core.assurance)."""
    return {"assurance": assurance_of(request) if getattr(request, "user", None) and request.user.is_authenticated else None}
