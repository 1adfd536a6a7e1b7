from organisations.permissions import Access, membership_of


def access(request):
    """``membership`` (whose organisation, for showing) and ``access`` (what the user may do)."""
    user = getattr(request, "user", None)
    return {"membership": membership_of(user), "access": Access(user)}
