/* PSOP's own script, a static file (the Content-Security-Policy forbids inline script).
 *
 * 1. A failed htmx request (an error answer or no connection) leaves the page as it is (htmx
 *    swaps no 4xx/5xx answer) and says so in the live region #request-status, in the user's
 *    language: the text comes from the region's data-error-message, rendered by the template.
 * 2. While a form's request runs, its submit buttons are disabled: each htmx form gets
 *    hx-disabled-elt, which htmx reads at request time and undoes when the request ends. The
 *    loading indicator comes from hx-indicator, inherited from <body>. A disabled button loses
 *    the focus (to <body>): when the request ends, the focus goes back to the element of the same
 *    id (the button, or the one that replaced it), so keyboard users stay where they were.
 */
(function () {
  "use strict";

  function statusRegion() {
    return document.getElementById("request-status");
  }

  function say(text) {
    var region = statusRegion();
    if (region) {
      region.textContent = text;
    }
  }

  function showFailure() {
    var region = statusRegion();
    if (region) {
      say(region.getAttribute("data-error-message") || "");
    }
  }

  function clearFailure() {
    var region = statusRegion();
    if (region && region.textContent) {
      say("");
    }
  }

  function disableSubmitsDuringRequests(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var forms = Array.prototype.slice.call(scope.querySelectorAll("form[hx-get], form[hx-post]"));
    if (scope.matches && scope.matches("form[hx-get], form[hx-post]")) {
      forms.push(scope);
    }
    forms.forEach(function (form) {
      if (!form.hasAttribute("hx-disabled-elt") && form.querySelector("button[type=submit]")) {
        form.setAttribute("hx-disabled-elt", "find button[type=submit]");
      }
    });
  }

  var focusedId = null;

  function rememberFocus() {
    var active = document.activeElement;
    focusedId = active && active !== document.body && active.id ? active.id : null;
  }

  function restoreFocus() {
    var id = focusedId;
    focusedId = null;
    var active = document.activeElement;
    if (!id || (active && active !== document.body)) {
      return;
    }
    var element = document.getElementById(id);
    if (element && !element.disabled) {
      element.focus();
    }
  }

  document.addEventListener("htmx:beforeRequest", clearFailure);
  document.addEventListener("htmx:beforeRequest", rememberFocus);
  document.addEventListener("htmx:afterRequest", restoreFocus);
  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);
  document.addEventListener("htmx:load", function (event) {
    disableSubmitsDuringRequests(event.detail && event.detail.elt);
  });
})();
