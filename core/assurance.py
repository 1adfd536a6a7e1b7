"""How the user of a request signed in (the level of assurance), as the session keeps it.

identity.receivers writes it at sign-in and when a second factor is given; the header shows it and
every audit row of the session carries it (audit.services). Core is the lowest layer: the key and
its reading live here, so that audit needs nothing of identity."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SESSION_KEY = "psop_assurance"
# django-allauth's list of the session's authentications (password, socialaccount, mfa), each a dict.
ALLAUTH_METHODS_KEY = "account_authentication_methods"

PASSWORD = "password"
PASSWORD_MFA = "password_mfa"
OIDC = "oidc"
API_KEY = "api_key"

METHOD_LABELS = {
    PASSWORD: _("Salasana"),
    PASSWORD_MFA: _("Salasana ja toinen vaihe"),
    OIDC: _("OpenID Connect"),
    API_KEY: _("API-avain"),
}
# The audit log's words: Finnish, whatever the reader's language (like AuditEntry.what).
AUDIT_WORDS = {
    PASSWORD: "Salasana",
    PASSWORD_MFA: "Salasana + toinen vaihe",
    OIDC: "OpenID Connect",
    API_KEY: "API-avain",
}


# Suomi.fi e-Identification's levels (its acr values; eIDAS "substantial" and "high").
ACR_LABELS = {
    "http://ftn.ficora.fi/2017/loa2": _("korotettu taso"),
    "http://ftn.ficora.fi/2017/loa3": _("korkea taso"),
    "http://eidas.europa.eu/LoA/substantial": _("korotettu taso"),
    "http://eidas.europa.eu/LoA/high": _("korkea taso"),
}


@dataclass(frozen=True)
class Assurance:
    method: str
    provider: str = ""
    acr: str = ""
    amr: tuple[str, ...] = ()
    second_factor: bool = False

    @property
    def label(self):
        return METHOD_LABELS.get(self.method, self.method)

    @property
    def acr_label(self):
        """The provider's level in words where PSOP knows it, else its own value."""
        return ACR_LABELS.get(self.acr, self.acr)

    @property
    def is_strong(self) -> bool:
        return self.method == OIDC or self.second_factor

    def for_audit(self) -> str:
        """One line for an audit row: 'OpenID Connect (suomifi; acr …; amr pwd)'."""
        words = AUDIT_WORDS.get(self.method, self.method)
        details = [part for part in (
            self.provider,
            f"acr {self.acr}" if self.acr else "",
            f"amr {' '.join(self.amr)}" if self.amr else "",
            "toinen vaihe" if self.second_factor and self.method == OIDC else "",
        ) if part]
        return f"{words} ({'; '.join(details)})"[:200] if details else words

    def to_session(self) -> dict:
        return {"method": self.method, "provider": self.provider, "acr": self.acr, "amr": list(self.amr)}


def assurance_of(request) -> Assurance | None:
    """The level of assurance of ``request``'s session (None: not signed in, or signed in before
    PSOP kept it). An API request's key is its own method."""
    if request is None:
        return None
    if getattr(request, "api_key", None) is not None:
        return Assurance(method=API_KEY)
    session = getattr(request, "session", None)
    data = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(data, dict) or "method" not in data:
        return None
    # A second factor given at sign-in or later in the session: allauth's record of the session's
    # authentications has an entry of method "mfa".
    second_factor = any(
        isinstance(entry, dict) and entry.get("method") == "mfa" for entry in session.get(ALLAUTH_METHODS_KEY) or ()
    )
    method = str(data["method"])
    if method == PASSWORD and second_factor:
        method = PASSWORD_MFA
    return Assurance(
        method=method, provider=str(data.get("provider", "")), acr=str(data.get("acr", "") or ""),
        amr=tuple(str(value) for value in (data.get("amr") or ())), second_factor=second_factor,
    )


def audit_words(request) -> str:
    assurance = assurance_of(request)
    return assurance.for_audit() if assurance is not None else ""
