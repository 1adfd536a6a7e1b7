/* The session's warning dialog (psop.sessions; #session-dialog at the end of templates/base.html,
 * present for a signed-in user only). A static file: the Content-Security-Policy forbids inline script.
 *
 * The server's rule: a session ends after SESSION_IDLE_TIMEOUT seconds without activity and
 * SESSION_ABSOLUTE_TIMEOUT seconds after signing in. This script only warns and follows it:
 *
 * 1. The page tells how many seconds are left by each limit (data-idle-left, data-absolute-left).
 *    data-warning seconds before the end the script asks the server (GET data-status-url, which is
 *    not activity): another tab may have kept the session alive, and then it waits again.
 * 2. Otherwise the dialog opens (modal, focus on "Jatka istuntoa"), the time left counts down on
 *    screen every second, and the hidden live region speaks at one minute and at 15 seconds left,
 *    not every second. "Jatka istuntoa" POSTs data-continue-url (with the CSRF token), closes the
 *    dialog and returns the focus where it was. Escape does the same: pressing it shows the person is
 *    there, and closing without continuing would leave the session to end unannounced. "Kirjaudu
 *    ulos" is the ordinary logout form. When the absolute limit comes first nothing can continue
 *    the session: the dialog says so and offers "Sulje" instead.
 * 3. When the time is up the script asks the server once more; if the session has ended (the server
 *    has then logged the user out and left the message), the page goes to the login page with
 *    ?next= this page.
 * 4. An htmx request started by the person (a click, a form, typing) reaches the server as activity
 *    and starts the idle time again here too. htmx's own background requests (polling with
 *    hx-trigger="every …", "load") have no triggering event: they are sent with
 *    "PSOP-Background: true", which the server does not count, so a person away from the keyboard is
 *    signed out even on a page that refreshes itself.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("session-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }

  var BACKGROUND_HEADER = "PSOP-Background";
  var ANNOUNCE_AT = [60, 15];
  var idleTimeout = Number(dialog.getAttribute("data-idle-timeout"));
  var warning = Number(dialog.getAttribute("data-warning"));
  var statusUrl = dialog.getAttribute("data-status-url");
  var continueUrl = dialog.getAttribute("data-continue-url");
  var loginUrl = dialog.getAttribute("data-login-url");
  var announcements = { 60: dialog.getAttribute("data-announce-minute"), 15: dialog.getAttribute("data-announce-seconds") };
  var text = document.getElementById("session-dialog-text");
  var idleText = text.textContent;
  var absoluteText = text.getAttribute("data-absolute-text");
  var timeLeft = dialog.querySelector(".session-time");
  var announcer = document.getElementById("session-dialog-announce");
  var continueButton = dialog.querySelector("[data-session-continue]");
  var closeButton = dialog.querySelector("[data-session-close]");
  var tokenInput = dialog.querySelector("input[name=csrfmiddlewaretoken]");

  var idleEnd = 0;
  var absoluteEnd = 0;
  var warningTimer = null;
  var ticker = null;
  var returnFocusTo = null;
  var openedWith = 0;
  var spoken = {};
  var asking = false;

  function learn(clock) {
    var now = Date.now();
    idleEnd = now + clock.idle_left * 1000;
    absoluteEnd = now + clock.absolute_left * 1000;
  }

  function secondsLeft() {
    return Math.max(0, Math.ceil((Math.min(idleEnd, absoluteEnd) - Date.now()) / 1000));
  }

  function request(url, method) {
    var headers = { Accept: "application/json" };
    if (method === "POST" && tokenInput) {
      headers["X-CSRFToken"] = tokenInput.value;
    }
    return fetch(url, { method: method, credentials: "same-origin", redirect: "manual", headers: headers }).then(
      function (response) {
        // A redirect (to the login page) or a refusal: the session has ended.
        if (response.type === "opaqueredirect" || response.status === 403) {
          return null;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }
    );
  }

  function expire() {
    stopTicking();
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search));
  }

  // Wait for the warning, or show it when its time has come.
  function plan() {
    clearTimeout(warningTimer);
    var untilWarning = (secondsLeft() - warning) * 1000;
    if (untilWarning > 0) {
      stopTicking();
      closeDialog();
      warningTimer = setTimeout(ask, untilWarning);
    } else {
      open();
    }
  }

  // Before warning or ending: the server knows whether another tab kept the session alive.
  function ask(then) {
    if (asking) {
      return;
    }
    asking = true;
    request(statusUrl, "GET").then(
      function (clock) {
        asking = false;
        if (clock === null || clock.seconds_left <= 0) {
          expire();
          return;
        }
        learn(clock);
        plan();
      },
      function () {
        asking = false;
        (then || plan)();
      }
    );
  }

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes ? minutes + " min " + rest + " s" : rest + " s";
  }

  function tick() {
    var left = secondsLeft();
    timeLeft.textContent = format(left);
    ANNOUNCE_AT.forEach(function (threshold) {
      if (dialog.open && left <= threshold && openedWith > threshold && !spoken[threshold]) {
        spoken[threshold] = true;
        announcer.textContent = announcements[threshold];
      }
    });
    if (left <= 0) {
      stopTicking();
      ask(expire);
    }
  }

  function stopTicking() {
    clearInterval(ticker);
    ticker = null;
  }

  function open() {
    if (!dialog.open) {
      var absolute = absoluteEnd <= idleEnd;
      returnFocusTo = document.activeElement;
      text.textContent = absolute ? absoluteText : idleText;
      continueButton.hidden = absolute;
      closeButton.hidden = !absolute;
      openedWith = secondsLeft();
      spoken = {};
      announcer.textContent = "";
      timeLeft.textContent = format(openedWith);
      dialog.showModal();
      (absolute ? closeButton : continueButton).focus();
    }
    if (!ticker) {
      ticker = setInterval(tick, 1000);
    }
  }

  function closeDialog() {
    if (!dialog.open) {
      return;
    }
    dialog.close();
    var back = returnFocusTo;
    returnFocusTo = null;
    if (back && back !== document.body && back.isConnected && typeof back.focus === "function") {
      back.focus();
    }
  }

  var continuing = false;

  function continueSession() {
    if (continuing) {
      return;
    }
    continuing = true;
    request(continueUrl, "POST").then(
      function (clock) {
        continuing = false;
        if (clock === null) {
          expire();
          return;
        }
        learn(clock);
        plan();
      },
      function () {
        continuing = false;
        var status = document.getElementById("request-status");
        announcer.textContent = (status && status.getAttribute("data-error-message")) || "";
      }
    );
  }

  continueButton.addEventListener("click", continueSession);
  // The absolute limit: nothing to continue; the time keeps running, and the page still goes to
  // the login page when it is up.
  closeButton.addEventListener("click", closeDialog);
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (continueButton.hidden) {
      closeDialog();
    } else {
      continueSession();
    }
  });

  // --- 4.: htmx requests ---------------------------------------------------------------------

  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.triggeringEvent) {
      event.detail.headers[BACKGROUND_HEADER] = "true";
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var headers = (detail.requestConfig && detail.requestConfig.headers) || {};
    var status = detail.xhr ? detail.xhr.status : 0;
    // Not sent, refused by the server (a 5xx saves no session), or not activity.
    if (!status || status >= 500 || headers[BACKGROUND_HEADER] === "true") {
      return;
    }
    idleEnd = Date.now() + idleTimeout * 1000;
    plan();
  });

  // A tab coming back into view (its timers may have been slowed down) checks with the server.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      ask();
    }
  });

  learn({
    idle_left: Number(dialog.getAttribute("data-idle-left")),
    absolute_left: Number(dialog.getAttribute("data-absolute-left")),
  });
  plan();
})();
