"""Every error code of PSOP in one registry, and the error the services raise with one.

A code's value is the stable string that callers, the REST API's answers and the tests read; it
never changes. Each code declares the HTTP status with which the API answers it and its Finnish
message: what is shown when the raise site gives none (``DomainError(ErrorCode.RUN_NOT_FOUND)``),
formatted with the error's parameters. A raise site may word its refusal more exactly
(``DomainError(ErrorCode.VOUCHER_CLOSED, _("Ostovoima on suljettu %(closed)s, eikä …") % …)``).
``tests/test_error_codes.py`` fails on a code raised that is not here, on one here that is never
raised, and on a code written as a bare string.

This is the one place of domain words in core: the codes are the vocabulary that every app's
services, the pages and the API share, so they live below all of them.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    """``value, HTTP status, Finnish message``. A member is a ``str`` equal to its value, so
    ``error.code == "voucher_closed"`` holds as well as ``error.code == ErrorCode.VOUCHER_CLOSED``."""

    def __new__(cls, value: str, status: int, message):
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        member.message = message
        return member

    # --- 404: the row does not exist, or is someone else's -------------------------------------
    VOUCHER_NOT_FOUND = "voucher_not_found", 404, _("Ostovoiman tietoja ei löydy")
    RESERVATION_NOT_FOUND = "reservation_not_found", 404, _("Palveluvarausta ei löydy, tai sinulla ei ole oikeutta kirjata sille.")
    EVENT_NOT_FOUND = "event_not_found", 404, _("Tapahtumaa ei löydy.")
    CUSTOMERSHIP_NOT_FOUND = "customership_not_found", 404, _("Asiakkuutta ei löydy.")
    PROVIDER_NOT_FOUND = "provider_not_found", 404, _("Palveluntuottajaa ei löydy.")
    UNIT_NOT_FOUND = "unit_not_found", 404, _("Palveluntuottajaosaa ei löydy.")
    OFFICE_NOT_FOUND = "office_not_found", 404, _("Toimipaikkaa ei löydy.")
    RUN_NOT_FOUND = "run_not_found", 404, _("Maksatusajoa ei löydy.")
    # The API answers no operation with these two; the pages raise them (organisations' units and
    # offices, API keys), and the API's own "no such URL" is NOT_FOUND as well.
    NOT_FOUND = "not_found", 404, _("Tietoja ei löydy.")
    KEY_NOT_FOUND = "key_not_found", 404, _("API-avainta ei löydy.")

    # --- 403: "you may not". Three codes, kept apart because callers tell them apart: ----------
    # ROLE_NOT_ALLOWED: the user's role in their own organisation lacks the right (a recorder
    #   making a reservation or a customership); the voucher card says nothing to a recorder.
    # ORGANISER_ONLY: the action is the organiser's side's (review, credits, payment runs).
    # NOT_ALLOWED: the user is not the organisation, or not its admin, that the object belongs to.
    ROLE_NOT_ALLOWED = "role_not_allowed", 403, _("Roolisi ei salli tätä toimintoa.")
    ORGANISER_ONLY = "organiser_only", 403, _("Vain palvelunjärjestäjän käyttäjä voi tehdä tämän.")
    NOT_ALLOWED = "not_allowed", 403, _("Sinulla ei ole oikeutta tähän toimintoon.")
    SCOPE_MISSING = "scope_missing", 403, _("API-avaimella ei ole tähän tarvittavaa oikeutta.")

    # --- 409: the state of the data conflicts with the request --------------------------------
    ALREADY_RESERVED = "already_reserved", 409, _("Ostovoima on jo varattu.")
    ALREADY_RECORDED = "already_recorded", 409, _("Tapahtuma on jo kirjattu tällä tunnisteella.")
    ALREADY_CUSTOMER = "already_customer", 409, _(
        "Asiakkaalla on jo voimassa oleva asiakkuus tällä palveluntuottajalla (alkaen %(day)s).")
    OVERLAP = "overlap", 409, _("Ostovoimalla on jo asiakkuus tälle ajalle.")
    LOCKED_IN = "locked_in", 409, _(
        "Asiakkaalla on asiakkuus toisella palveluntuottajalla, ja sen aikarajaus päättyy %(day)s. Asiakas ei voi "
        "vaihtaa palveluntuottajaa ennen kuin aikarajaus on päättynyt; uusi asiakkuus voi alkaa aikaisintaan "
        "%(earliest)s.")
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused", 409, _("Idempotency-Key on jo käytetty toisenlaiseen pyyntöön.")

    # --- 422: the rule refuses the request as it is ------------------------------------------
    INVALID = "invalid", 422, _("Tarkista tiedot.")
    DATE_OUT_OF_RANGE = "date_out_of_range", 422, _("Päivämäärän on oltava vuosien 1900–2100 välillä.")
    # vouchers
    ALREADY_CLOSED = "already_closed", 422, _("Ostovoima on jo suljettu %(day)s.")
    CLOSED_OUTSIDE_VALIDITY = "closed_outside_validity", 422, _(
        "Sulkemispäivän on oltava ostovoiman voimassaoloaikana %(start)s–%(end)s.")
    VOUCHER_CLOSED = "voucher_closed", 422, _("Ostovoima on suljettu %(day)s.")
    # reservations
    CAPITATION_VOUCHER = "capitation_voucher", 422, _(
        "Kapitaatiosetelille ei tehdä palveluvarausta, vaan sille luodaan asiakkuus.")
    VOUCHER_CLOSED_TOO_LONG = "voucher_closed_too_long", 422, _(
        "Ostovoima on suljettu %(closed)s. Varauksen voi tehdä palveluntuottajan puolesta enintään %(days)s päivää "
        "sulkemisen jälkeen.")
    # 422 and not 403, as the API has answered it: the user may reserve, for their own provider.
    PROVIDER_NOT_ALLOWED = "provider_not_allowed", 422, _("Voit tehdä palveluvarauksen vain omalle palveluntuottajallesi.")
    PROVIDER_REQUIRED = "provider_required", 422, _("Valitse palveluntuottaja, jonka puolesta varaus tehdään.")
    PROVIDER_WITHOUT_AGREEMENT = "provider_without_agreement", 422, _(
        "Palveluntuottajalla ei ole voimassa olevaa palvelusopimusta tähän palveluun.")
    UNIT_REQUIRED = "unit_required", 422, _("Valitse palveluntuottajaosa.")
    UNIT_NOT_OF_PROVIDER = "unit_not_of_provider", 422, _("Palveluntuottajaosa ei kuulu valitulle palveluntuottajalle.")
    CONTENT_REQUIRED = "content_required", 422, _("Valitse yksi palvelusisältö.")
    CONTENT_NOT_ON_VOUCHER = "content_not_on_voucher", 422, _("Palvelusisältö ei kuulu tähän ostovoimaan.")
    EVENT_TEXT_TOO_LONG = "event_text_too_long", 422, _("Tapahtumavaraus on enintään %(limit)s merkkiä pitkä.")
    TERMS_NOT_ACCEPTED = "terms_not_accepted", 422, _(
        "Palveluvaraus edellyttää sopimusehtojen ja sopimussuhteen muodostamisen hyväksymistä.")
    # customerships
    START_OUTSIDE_VALIDITY = "start_outside_validity", 422, _(
        "Asiakkuuden alkupäivän on oltava ostovoiman voimassaoloaikana %(start)s–%(end)s.")
    END_BEFORE_START = "end_before_start", 422, _("Asiakkuuden loppupäivä ei voi olla ennen alkupäivää.")
    LOCK_BEFORE_START = "lock_before_start", 422, _("Aikarajaus ei voi päättyä ennen asiakkuuden alkua.")
    NO_AGREEMENT = "no_agreement", 422, _(
        "Palveluntuottajalla ei ole voimassa olevaa palvelusopimusta tai hinnastoa kyseiseen palveluun.")
    LOCKED_IN_TRANSFER = "locked_in_transfer", 422, _(
        "Asiakkuuden aikarajaus päättyy %(day)s. Sitä ennen asiakkuuden voi siirtää toiselle palveluntuottajalle "
        "toiminnolla \"Siirrä asiakkuus\".")
    NOT_CAPITATION = "not_capitation", 422, _("Asiakkuuden voi luoda vain kapitaatiosetelille.")
    APPROVALS_MISSING = "approvals_missing", 422, _("Merkitse hyväksynnät hyväksytyiksi.")
    NOT_VALID_ON_START = "not_valid_on_start", 422, _(
        "Siirto alkaa päivänä, jona asiakkuus ei ole voimassa (%(start)s–%(end)s).")
    REASON_MISSING = "reason_missing", 422, _("Kirjaa siirron peruste.")
    SAME_OFFICE = "same_office", 422, _("Valitse toinen palveluntuottaja tai toimipaikka.")
    ALREADY_ENDS = "already_ends", 422, _("Asiakkuus päättyy jo %(day)s.")
    TOO_FAR_BACK = "too_far_back", 422, _("Asiakkuuden loppupäivä voi olla aikaisintaan %(day)s.")
    # events
    KIND_NOT_RECORDABLE = "kind_not_recordable", 422, _("Tälle ostovoimalle ei kirjata tapahtumia.")
    CONTENT_NOT_RESERVED = "content_not_reserved", 422, _(
        "Tapahtuman voi kirjata vain varattuun palvelusisältöön (%(name)s).")
    QUANTITY_NOT_POSITIVE = "quantity_not_positive", 422, _("Määrän on oltava suurempi kuin nolla.")
    QUANTITY_PRECISION = "quantity_precision", 422, _("Anna määrä enintään kahden desimaalin tarkkuudella.")
    QUANTITY_TOO_LARGE = "quantity_too_large", 422, _(
        "Määrä on liian suuri: yhdessä tapahtumassa enintään %(limit)s (kymmenen kertaa myönnetty, vähintään %(ceiling)s).")
    DATE_IN_FUTURE = "date_in_future", 422, _("Tapahtumaa ei voi kirjata tulevalle päivälle.")
    DATE_OUTSIDE_VALIDITY = "date_outside_validity", 422, _(
        "Päivämäärä %(day)s ei ole ostovoiman voimassaoloaikana (%(start)s–%(end)s).")
    RESERVATION_ENDED = "reservation_ended", 422, _(
        "Palveluvaraus on päättynyt %(end)s; sen jälkeisille päiville ei voi kirjata tapahtumia.")
    NO_PRICE = "no_price", 422, _(
        "Palveluntuottajalla ei ole voimassa olevaa hintaa palvelusisällölle %(name)s päivänä %(day)s.")
    BALANCE_EXCEEDED = "balance_exceeded", 422, _("Saldo ei riitä: jäljellä %(left)s, kirjaus %(amount)s.")
    OVER_GRANT_UNCONFIRMED = "over_grant_unconfirmed", 422, _(
        "Kirjaus ylittää myönnetyn määrän: menee palvelunjärjestäjän tarkastettavaksi.")
    TRANSITION_NOT_ALLOWED = "transition_not_allowed", 422, _("Tapahtuman tilaa ei voi muuttaa.")
    EVENT_SETTLED = "event_settled", 422, _(
        "Tilitettyä tapahtumaa ei voi enää muuttaa. Korjaus tehdään hyvityksellä.")
    NOT_UNDER_REVIEW = "not_under_review", 422, _("Tapahtuma ei ole tarkastettavana.")
    REASON_REQUIRED = "reason_required", 422, _("Kirjoita hylkäyksen perustelu; palveluntuottaja näkee sen.")
    NOT_CREDITABLE = "not_creditable", 422, _(
        "Hyvityksen voi tehdä vain tilitetylle tai maksetulle tapahtumalle; sitä ennen tapahtumaa voi muokata.")
    REASON_CODE_INVALID = "reason_code_invalid", 422, _("Valitse hyvityksen syykoodi.")
    EXPLANATION_REQUIRED = "explanation_required", 422, _("Kirjoita hyvityksen selite; palveluntuottaja näkee sen.")
    CREDIT_EXCEEDS = "credit_exceeds", 422, _(
        "Hyvitettävän määrän on oltava suurempi kuin nolla ja enintään %(left)s.")
    # payments
    MONTH_INVALID = "month_invalid", 422, _("Anna maksatuksen kuukausi (kuukauden ensimmäinen päivä).")
    MONTH_NOT_ENDED = "month_not_ended", 422, _(
        "Kuukauden maksatuksen voi käynnistää vasta, kun kuukausi on päättynyt.")
    RUN_TRANSITION_NOT_ALLOWED = "run_transition_not_allowed", 422, _("Maksatuksen tilaa ei voi muuttaa.")
    RUN_ALREADY_QUEUED = "run_already_queued", 422, _(
        "Maksatus on jo jonossa tai laskettavana; sitä ei käynnistetä toista kertaa.")
    RUN_CONFLICT = "run_conflict", 422, _(
        "Saman kuukauden maksatus käynnistettiin juuri toisaalla. Yritä uudelleen.")
    CAPITATION_PRICE_MISSING = "capitation_price_missing", 422, _(
        "Kapitaatiomaksua ei voi laskea: kuukausihintaa ei löydy palveluntuottajan hinnastosta tai ostovoimalta "
        "puuttuu kuukausisisältö (ostovoimat %(numbers)s). Korjaa hinnasto ja käynnistä uudelleen.")
    RUN_NOT_APPROVED = "run_not_approved", 422, _("Vain hyväksytyn maksatuksen voi merkitä maksetuksi.")
    RUN_ALREADY_PAID = "run_already_paid", 422, _("Maksatuksen tapahtumat on jo merkitty maksetuiksi.")
    # organisations: users, units, offices
    NOT_MEMBER = "not_member", 422, _("Käyttäjä ei kuulu organisaatioonne.")
    WRONG_ROLE = "wrong_role", 422, _("Rooli ei sovi tämän organisaation käyttäjälle.")
    LAST_ADMIN = "last_admin", 422, _("Organisaatiolla on oltava vähintään yksi aktiivinen pääkäyttäjä.")
    INVALID_USERNAME = "invalid_username", 422, _("Käyttäjätunnus ei kelpaa.")
    USERNAME_TAKEN = "username_taken", 422, _("Käyttäjätunnus on jo käytössä.")
    WEAK_PASSWORD = "weak_password", 422, _("Salasana ei kelpaa.")
    SELF_DEACTIVATE = "self_deactivate", 422, _("Et voi poistaa omaa tunnustasi käytöstä.")
    NOT_LOCKED = "not_locked", 422, _("Tunnus ei ole lukittu.")
    DUPLICATE_NAME = "duplicate_name", 422, _("Nimi on jo käytössä.")
    # granting vouchers (grants.services)
    CUSTOMER_EXISTS = "customer_exists", 422, _("Henkilötunnuksella on jo asiakas: hae asiakas henkilötunnuksella.")
    INVALID_VALIDITY = "invalid_validity", 422, _("Voimassaolon päättymispäivä ei voi olla ennen alkamispäivää.")
    CONTENTS_REQUIRED = "contents_required", 422, _("Valitse vähintään yksi palvelusisältö ja sen määrä.")
    CONTENT_NOT_OF_SERVICE = "content_not_of_service", 422, _("Palvelusisältö ei kuulu valittuun palveluun.")
    SERVICE_NOT_GRANTABLE = "service_not_grantable", 422, _(
        "Palvelunjärjestäjällä ei ole voimassa olevaa sopimusta tästä palvelusta.")
    CHANGE_BELOW_USED = "change_below_used", 422, _("Muutos alittaisi jo käytetyn tai kirjatun.")
    CONTENT_RESERVED = "content_reserved", 422, _("Palvelusisältöä ei voi poistaa: palveluvaraus käyttää sitä.")
    CHANGE_REASON_REQUIRED = "change_reason_required", 422, _("Kirjoita muutoksen perustelu.")
    # the organiser's registers: services, agreements, price lists (registers.services)
    SHARED_SERVICE = "shared_service", 422, _(
        "Yhteisiä palveluja ylläpitää PSOPin ylläpito; voitte muuttaa vain omia palvelujanne.")
    UNIT_IN_USE = "unit_in_use", 422, _(
        "Yksikköä ei voi vaihtaa: palvelusisältö on jo myönnetty ostovoimalla.")
    AGREEMENT_OVERLAP = "agreement_overlap", 409, _(
        "Palveluntuottajalla on jo sopimus tästä palvelusta osaksi samalle ajalle (%(start)s–%(end)s). Sopimukset "
        "eivät saa olla voimassa päällekkäin: päätä aiempi sopimus ensin tai valitse toinen voimassaoloaika.")
    PRICE_LIST_OVERLAP = "price_list_overlap", 409, _(
        "Sopimuksella on jo hinnasto osaksi samalle ajalle (%(start)s–%(end)s). Hinnastot eivät saa olla voimassa "
        "päällekkäin: päätä aiempi hinnasto ensin tai valitse toinen voimassaoloaika.")
    # identification: invitations and identities (identity.services)
    IDENTITY_NOT_BOUND = "identity_not_bound", 403, _(
        "Tunnistautuminen onnistui, mutta tunnustasi ei ole liitetty PSOP-käyttäjään. Pyydä organisaatiosi "
        "pääkäyttäjältä kutsu PSOPiin ja avaa kutsulinkki ennen kirjautumista.")
    IDENTITY_BOUND_ELSEWHERE = "identity_bound_elsewhere", 403, _(
        "Tämä tunnus on jo liitetty toiseen PSOP-käyttäjään, joten kutsua ei voi käyttää sillä.")
    INVITATION_INVALID = "invitation_invalid", 403, _(
        "Kutsulinkki ei kelpaa: se on jo käytetty, peruttu tai vanhentunut. Pyydä pääkäyttäjältä uusi kutsu.")
    INVITATION_NOT_MEMBER = "invitation_not_member", 422, _("Kutsun voi lähettää vain oman organisaationne käyttäjälle.")
    USER_INACTIVE = "user_inactive", 403, _("Käyttäjätunnus ei ole käytössä. Ota yhteyttä organisaatiosi pääkäyttäjään.")
    # hakeutuminen: rulebooks, sign-ups, applications and their attachments (applications.services)
    SERVICE_NOT_OFFERED = "service_not_offered", 422, _(
        "Palvelunjärjestäjä ei tarjoa tätä palvelua: palvelulle ei ole julkaistu sääntökirjaa.")
    APPLICATION_OPEN = "application_open", 409, _(
        "Yrityksellä on jo avoin hakemus tähän palveluun tälle palvelunjärjestäjälle. Jatka sitä hakemusta.")
    APPLICATION_NOT_EDITABLE = "application_not_editable", 422, _(
        "Lähetettyä hakemusta ei voi muuttaa, ellei palvelunjärjestäjä pyydä siihen täydennystä.")
    APPLICATION_DECIDED = "application_decided", 409, _("Hakemus on jo käsitelty tai sen tila on muuttunut (%(state)s).")
    APPLICATION_INCOMPLETE = "application_incomplete", 422, _("Hakemuksesta puuttuu: %(missing)s.")
    RULEBOOK_NOT_ACCEPTED = "rulebook_not_accepted", 422, _(
        "Lue sääntökirja ja merkitse \"Olen lukenut ja hyväksyn sääntökirjan\".")
    RULEBOOK_CHANGED = "rulebook_changed", 409, _(
        "Sääntökirjasta on julkaistu uusi versio (%(version)s). Lue se ja hyväksy se ennen lähettämistä.")
    PRICE_ABOVE_MAX = "price_above_max", 422, _(
        "Hinta %(price)s ylittää palvelunjärjestäjän enimmäishinnan %(max)s (%(name)s).")
    PRICE_REQUIRED = "price_required", 422, _("Anna hinta palvelusisällölle %(name)s.")
    PROVIDER_EXISTS = "provider_exists", 409, _(
        "Y-tunnuksella on jo palveluntuottaja PSOPissa. Pyydä yrityksenne pääkäyttäjää tekemään hakemus.")
    COMPANY_SIGNED_UP = "company_signed_up", 409, _(
        "Yritys on jo rekisteröitynyt. Kirjaudu sisään rekisteröitymisessä luodulla tunnuksella.")
    SIGNUP_LINK_INVALID = "signup_link_invalid", 403, _(
        "Vahvistuslinkki ei kelpaa: se on jo käytetty tai vanhentunut. Rekisteröidy uudelleen.")
    ACCEPT_BY_PAST = "accept_by_past", 422, _("Hyväksymisen määräpäivä ei voi olla menneisyydessä.")
    COMPLETION_REQUIRED = "completion_required", 422, _("Kirjoita, mitä hakemuksesta puuttuu; hakija näkee sen.")
    ATTACHMENT_TOO_LARGE = "attachment_too_large", 413, _("Liite on liian suuri: enintään %(mb)s Mt.")
    ATTACHMENT_EMPTY = "attachment_empty", 422, _("Liite on tyhjä.")
    ATTACHMENT_TYPE = "attachment_type", 422, _(
        "Liitteen on oltava PDF-, JPEG- tai PNG-tiedosto. Tiedoston sisältö ei ole mitään näistä.")
    ATTACHMENT_MISMATCH = "attachment_mismatch", 422, _(
        "Tiedoston %(name)s sisältö ei vastaa sen nimeä: tarkista, että liite on sitä mitä nimi kertoo.")
    ATTACHMENT_ARCHIVE = "attachment_archive", 422, _(
        "Liite on pakattu arkisto (esimerkiksi zip), ei PDF-, JPEG- tai PNG-tiedosto. Pakattuja tiedostoja ei oteta vastaan.")
    ATTACHMENT_BOMB = "attachment_bomb", 422, _(
        "Liitettä ei voi ottaa vastaan: se ei ole eheä tiedosto, tai sen sisältö purkautuisi liian suureksi.")
    ATTACHMENT_NAME_INVALID = "attachment_name_invalid", 422, _(
        "Tiedoston nimessä ei saa olla hakemistopolkua eikä ohjausmerkkejä.")
    # API keys and requests
    NAME_REQUIRED = "name_required", 422, _("Anna avaimelle nimi.")
    NAME_TOO_LONG = "name_too_long", 422, _("Nimi on enintään %(limit)s merkkiä pitkä.")
    SCOPES_REQUIRED = "scopes_required", 422, _("Valitse vähintään yksi oikeus.")
    SCOPE_INVALID = "scope_invalid", 422, _("Tuntematon oikeus.")
    KEY_REVOKED = "key_revoked", 422, _("Peruttua avainta ei voi muuttaa.")
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid", 422, _("Idempotency-Key on 1–%(limit)s näkyvää merkkiä.")

    # --- the API's own answers, before any service is asked (api/main.py, psop/views.py) ------
    UNAUTHORIZED = "unauthorized", 401, _("API-avain puuttuu, on tuntematon tai peruttu.")
    RATE_LIMITED = "rate_limited", 429, _("Liian monta pyyntöä; yritä uudelleen %(seconds)s sekunnin kuluttua.")
    INVALID_JSON = "invalid_json", 400, _("Pyynnön runko ei ole kelvollista JSONia.")
    TOO_LARGE = "too_large", 413, _("Pyyntö on liian suuri (enintään %(mb)s Mt).")
    BAD_REQUEST = "bad_request", 400, _("Virheellinen pyyntö.")
    SERVER_ERROR = "server_error", 500, _("Palvelussa tapahtui odottamaton virhe. Tallennetut tiedot ovat tallessa.")
    UNAVAILABLE = "unavailable", 503, _("Palvelu ei ole hetkeen käytettävissä. Yritä hetken kuluttua uudelleen.")
    METHOD_NOT_ALLOWED = "method_not_allowed", 405, _("Virheellinen pyyntö.")
    # Any other error django-ninja raises; the answer keeps django-ninja's status.
    ERROR = "error", 400, _("Virheellinen pyyntö.")


class DomainError(Exception):
    """A rule refused the action. ``code`` (an ``ErrorCode``) is stable for callers and tests;
    ``message`` is for people: the raise site's, or else the code's own, formatted with ``params``."""

    def __init__(self, code: ErrorCode, message: str | None = None, **params):
        self.code = ErrorCode(code)
        self.message = str(self.code.message) % params if message is None else message
        self.params = params
        super().__init__(f"{self.code}: {self.message}")
