"""Sessions end after SESSION_IDLE_TIMEOUT seconds without activity and SESSION_ABSOLUTE_TIMEOUT
seconds after signing in (issue 21, item 6).

The rule is the server's, here: ``SessionTimeoutMiddleware`` stamps a signed-in session with the
moment it was first seen (``psop_started_at``) and its last activity (``psop_active_at``), epoch
seconds, and a request after either limit logs the user out and goes on as an anonymous request:
a page's ``login_required`` sends them to the login page with ``?next=`` (an htmx request gets
``HX-Redirect`` from ``psop.middleware.HtmxLoginRedirectMiddleware``), and the login page says why.

Not every request is activity: the dialog's status check (``session_status``) and htmx's own
background requests (polling, ``hx-trigger="every …"`` or ``load``: static/psop-session.js marks
them ``PSOP-Background: true``) leave the idle time running, so that a person away from the
keyboard is signed out even on a page that refreshes itself. A click, a form, a page load and
"Jatka istuntoa" (``session_continue``) count. The REST API takes keys, not sessions: left alone.

``SessionStore`` (SESSION_ENGINE) is Django's database store whose row expires one idle period
after the session's own end: long enough for a late request to be told why it ended, never later.
"""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.backends import db
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

STARTED = "psop_started_at"
ACTIVE = "psop_active_at"
BACKGROUND_HEADER = "PSOP-Background"
API_PREFIX = "/api/"


@dataclass(frozen=True)
class Clock:
    """Seconds left of a signed-in session, by each limit (rounded up: never earlier than the server)."""

    idle_left: int
    absolute_left: int

    @classmethod
    def of(cls, session, now: float) -> "Clock":
        idle_end = session[ACTIVE] + settings.SESSION_IDLE_TIMEOUT
        absolute_end = session[STARTED] + settings.SESSION_ABSOLUTE_TIMEOUT
        return cls(max(0, math.ceil(idle_end - now)), max(0, math.ceil(absolute_end - now)))

    @property
    def seconds_left(self) -> int:
        return min(self.idle_left, self.absolute_left)

    @property
    def idle_timeout(self) -> int:
        return settings.SESSION_IDLE_TIMEOUT

    @property
    def warning(self) -> int:
        return settings.SESSION_IDLE_WARNING

    def as_json(self) -> dict:
        return {"seconds_left": self.seconds_left, "idle_left": self.idle_left, "absolute_left": self.absolute_left}


def session_ends_at(session) -> float | None:
    """The epoch second at which a stamped session ends (None for an unstamped one)."""
    if STARTED not in session or ACTIVE not in session:
        return None
    return min(session[ACTIVE] + settings.SESSION_IDLE_TIMEOUT, session[STARTED] + settings.SESSION_ABSOLUTE_TIMEOUT)


def _stamp(session, now: float) -> None:
    session[STARTED] = session[ACTIVE] = int(now)


def _counts_as_activity(request) -> bool:
    return request.path_info != reverse("session_status") and request.headers.get(BACKGROUND_HEADER) != "true"


def _end(request, clock: Clock) -> None:
    """Log the user out and leave the login page a message that says why."""
    if clock.absolute_left == 0:
        hours = math.ceil(settings.SESSION_ABSOLUTE_TIMEOUT / 3600)
        text = ngettext(
            "Istuntosi päättyi %(hours)s tunnin enimmäisajan jälkeen. Kirjaudu uudelleen.",
            "Istuntosi päättyi %(hours)s tunnin enimmäisajan jälkeen. Kirjaudu uudelleen.",
            hours,
        ) % {"hours": hours}
    else:
        minutes = math.ceil(settings.SESSION_IDLE_TIMEOUT / 60)
        text = ngettext(
            "Istuntosi päättyi, koska et käyttänyt palvelua %(minutes)s minuuttiin.",
            "Istuntosi päättyi, koska et käyttänyt palvelua %(minutes)s minuuttiin.",
            minutes,
        ) % {"minutes": minutes}
    logout(request)
    # The message outlives the flushed session: messages go to a cookie first (FallbackStorage).
    messages.warning(request, text)


class SessionTimeoutMiddleware:
    """Ends a signed-in session after the idle or the absolute limit; records activity otherwise.

    Placed after AuthenticationMiddleware and MessageMiddleware. Sets ``request.session_clock``
    (a ``Clock``) for a signed-in request, which base.html hands to the warning dialog.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        signed_in = request.user.is_authenticated
        if signed_in:
            now = time.time()
            if session_ends_at(request.session) is None:
                _stamp(request.session, now)
            clock = Clock.of(request.session, now)
            if clock.seconds_left == 0:
                _end(request, clock)
            else:
                if _counts_as_activity(request):
                    request.session[ACTIVE] = int(now)
                    clock = Clock.of(request.session, now)
                request.session_clock = clock
        response = self.get_response(request)
        # The login request itself: the session starts now (login() keeps the data of a session
        # that was already the same user's, so the stamps are renewed, not only added).
        if not signed_in and request.user.is_authenticated:
            _stamp(request.session, time.time())
        return response


@require_GET
@never_cache
@login_required
def session_status(request):
    """``GET /istunto/``: the seconds left, for the warning dialog; not activity (a second tab that
    asks does not keep the session alive, nor end it early)."""
    return JsonResponse(request.session_clock.as_json())


@require_POST
@never_cache
@login_required
def session_continue(request):
    """``POST /istunto/jatka/``: "Jatka istuntoa". The request is the activity (the middleware
    recorded it); the answer is the new time left."""
    return JsonResponse(request.session_clock.as_json())


class SessionStore(db.SessionStore):
    """Django's database sessions; a stamped session's row expires SESSION_IDLE_TIMEOUT after the
    session itself ends (so that a request arriving late still finds it and is told why), and so
    never later than the absolute limit plus one idle period. The cookie is the browser's session
    cookie (SESSION_EXPIRE_AT_BROWSER_CLOSE); an unstamped session keeps SESSION_COOKIE_AGE."""

    def get_expiry_date(self, **kwargs):
        ends = None if "expiry" in kwargs else session_ends_at(self)
        if ends is None:
            return super().get_expiry_date(**kwargs)
        return datetime.fromtimestamp(ends + settings.SESSION_IDLE_TIMEOUT, tz=UTC)

    async def aget_expiry_date(self, **kwargs):
        await self._aget_session()
        return self.get_expiry_date(**kwargs)
