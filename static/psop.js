/* PSOP's own script, a static file (the Content-Security-Policy forbids inline script).
 *
 * 1. A failed htmx request (an error answer or no connection) leaves the page as it is (htmx
 *    swaps no 4xx/5xx answer) and says so in the live region #request-status, in the user's
 *    language: the text comes from the region's data-error-message, rendered by the template.
 * 2. While a form's request runs, its submit buttons are disabled: each htmx form gets
 *    hx-disabled-elt, which htmx reads at request time and undoes when the request ends. The
 *    loading indicator comes from hx-indicator, inherited from <body>. A disabled button loses
 *    the focus (to <body>): when the request ends, the focus goes back to that element (or the
 *    one that replaced it, by id), so keyboard users stay where they were: after a failed POST,
 *    and after a list's filter, which swaps only its results.
 * 3. After a swap that the user asked for (a click or a form sent), the focus moves to the new
 *    content: its first error ([role=alert]), else its success notice, else its field marked
 *    autofocus (the Asiakas tab's lookup), else its first heading
 *    (given tabindex=-1), instead of falling to <body>; a user still in the field in error stays there. Swaps the user did not start (polling
 *    with hx-trigger="every …", a "change" that reloads part of a form, typing in a live search)
 *    leave the focus alone, as does an element inside [data-keep-focus] (an expand toggle).
 * 4. A swap of the whole panel (a tab or another page pushed into the history) updates the
 *    page's <title>: the new content's data-page-title, else its first <h1>, and the site's name
 *    from <body data-site-name>, as the template's own <title> is made.
 * 5. On narrow screens tables are shown as cards, one per row (static/psop.css): every cell gets
 *    its column's header as data-label, and the table the class "labelled" that turns it on.
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

  var focused = null;

  function rememberFocus() {
    var active = document.activeElement;
    focused = active && active !== document.body ? { element: active, id: active.id || null } : null;
  }

  // After htmx has enabled the buttons again (its own afterRequest work), in the next task.
  function restoreFocus() {
    var was = focused;
    focused = null;
    if (!was) {
      return;
    }
    setTimeout(function () {
      var active = document.activeElement;
      if (active && active !== document.body) {
        return;
      }
      // The same element, or the one that replaced it (same id); a failed request swaps nothing,
      // so it is the same one, and a list's filter swaps only its results.
      var element = was.element.isConnected ? was.element : was.id && document.getElementById(was.id);
      if (element && !element.disabled) {
        element.focus();
      }
    }, 0);
  }

  document.addEventListener("htmx:beforeRequest", clearFailure);
  document.addEventListener("htmx:beforeRequest", rememberFocus);
  document.addEventListener("htmx:afterRequest", restoreFocus);
  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);
  document.addEventListener("htmx:load", function (event) {
    disableSubmitsDuringRequests(event.detail && event.detail.elt);
    labelTableCells(event.detail && event.detail.elt);
  });

  // --- 3. and 4.: focus and title after a swap ---------------------------------------------

  var USER_EVENTS = { click: true, submit: true };

  function userAsked(detail) {
    var config = detail && detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    if (!trigger || !USER_EVENTS[trigger.type]) {
      return false;
    }
    // The element that made the request (detail.elt is whichever element the event is on).
    var elt = config.elt;
    return !(elt && elt.closest && elt.closest("[data-keep-focus]"));
  }

  function first(elements, selector) {
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      if (!element.isConnected) {
        continue;
      }
      if (element.matches && element.matches(selector)) {
        return element;
      }
      var found = element.querySelector && element.querySelector(selector);
      if (found) {
        return found;
      }
    }
    return null;
  }

  function focusOn(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("a[href], button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function updateTitle(main) {
    var named = first([main], "[data-page-title]");
    var heading = first([main], "h1");
    var title = named ? named.getAttribute("data-page-title") : heading && heading.textContent.replace(/\s+/g, " ").trim();
    var site = document.body.getAttribute("data-site-name");
    if (title) {
      document.title = site ? title + " \u2013 " + site : title;
    }
  }

  // One swap settles every new element (the target's and any out-of-band ones) one after another;
  // they are gathered per request and handled once, after the last of them.
  var settling = null;

  function afterSettle(event) {
    var detail = event.detail || {};
    if (settling && settling.xhr === detail.xhr) {
      settling.elements.push(event.target);
      return;
    }
    settling = { xhr: detail.xhr, elements: [event.target], detail: detail };
    var current = settling;
    Promise.resolve().then(function () {
      if (settling === current) {
        settling = null;
      }
      handleSwap(current);
    });
  }

  function handleSwap(swap) {
    var detail = swap.detail;
    var target = detail.target;
    // An outerHTML swap replaced the target: its successor has the same id.
    var main = target && !target.isConnected && target.id ? document.getElementById(target.id) : target;
    var elements = main && main.isConnected ? [main].concat(swap.elements) : swap.elements;
    if (main && main.isConnected && main.id === "panel") {
      updateTitle(main);
    }
    if (!userAsked(detail)) {
      return;
    }
    // The user is still in the field they sent, and it is the one in error: the focus stays there
    // (its error is read with it, through aria-describedby), as htmx kept it.
    var active = document.activeElement;
    if (active && active.getAttribute("aria-invalid") === "true" && first(elements, "[role=alert]")) {
      return;
    }
    var goal =
      first(elements, "[role=alert]") ||
      first(elements, ".notice[role=status]") ||
      first(elements, "[autofocus]") ||
      first(main && main.isConnected ? [main] : elements, "h1, h2, h3, h4") ||
      first(elements, "h1, h2, h3, h4");
    if (goal) {
      focusOn(goal);
    }
  }

  document.addEventListener("htmx:afterSettle", afterSettle);

  // --- 5.: table cells labelled by their column headers ------------------------------------

  function headerText(th) {
    var copy = th.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".visually-hidden, [aria-hidden=true]"), function (hidden) {
      hidden.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function labelTable(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) {
      return;
    }
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (th) {
      var text = headerText(th);
      for (var span = 0; span < (th.colSpan || 1); span++) {
        labels.push(text);
      }
    });
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.push.apply(rows, body.rows);
    });
    rows.forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var label = cell.colSpan > 1 ? "" : labels[column] || "";
        if (label) {
          cell.setAttribute("data-label", label);
        }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("labelled");
  }

  function labelTableCells(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var tables = Array.prototype.slice.call(scope.querySelectorAll("table.data"));
    if (scope.matches && scope.matches("table.data")) {
      tables.push(scope);
    }
    // A swapped row (tbody) of a table: label the table it now belongs to.
    var table = scope.closest && scope.closest("table.data");
    if (table && tables.indexOf(table) < 0) {
      tables.push(table);
    }
    tables.forEach(labelTable);
  }
})();

/* A list's filter form sent by htmx (GET) leaves out its empty fields, so that the address bar
 * and the history keep ?haku=1005, not ?haku=1005&palvelu=&tila=&kuukausi= (the pages read a
 * missing and an empty field alike; without JavaScript the browser sends them all). */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb !== "get" || !detail.elt || !detail.elt.matches || !detail.elt.matches("form.search-form")) {
      return;
    }
    var data = detail.formData;
    if (!data || !data.keys) {
      return;
    }
    var empty = [];
    Array.from(new Set(Array.from(data.keys()))).forEach(function (name) {
      if (data.getAll(name).every(function (value) { return value === ""; })) {
        empty.push(name);
      }
    });
    empty.forEach(function (name) {
      data.delete(name);
    });
  });
})();

/* "Tulosta" on a printable page (the decision letter): the browser's print dialog, with the print
 * styles of psop.css. Without JavaScript the browser's own Print does the same. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();

/* Print (issue 23): the page says when it was printed, above its content (static/psop.css shows
 * #main's data-printed in print only). Set on load and again just before printing; the date as the
 * app writes dates in every language (7.12.2026 14.05), the word in the page's language. */
(function () {
  "use strict";
  var PRINTED = { fi: "Tulostettu", sv: "Utskriven", en: "Printed" };

  function stamp() {
    var main = document.getElementById("main");
    if (!main) {
      return;
    }
    var now = new Date();
    var minutes = ("0" + now.getMinutes()).slice(-2);
    var when = now.getDate() + "." + (now.getMonth() + 1) + "." + now.getFullYear() + " " + now.getHours() + "." + minutes;
    var language = (document.documentElement.lang || "fi").slice(0, 2);
    main.setAttribute("data-printed", (PRINTED[language] || PRINTED.fi) + " " + when);
  }

  // This script runs in <head>, before <main> exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", stamp);
  } else {
    stamp();
  }
  window.addEventListener("beforeprint", stamp);
})();

/* A "copy" button (issue 23: the new API key): <button data-copy="<id of a field>"> copies that
 * field's value and says so in the live region its aria-describedby names, in the words of its
 * data-copied (or data-copy-failed). Hidden in the HTML, shown here, as it needs this script. */
(function () {
  "use strict";

  function reveal(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll("button[data-copy][hidden]"), function (button) {
      button.hidden = false;
    });
  }

  function report(button, ok) {
    var region = document.getElementById(button.getAttribute("aria-describedby"));
    if (region) {
      region.textContent = button.getAttribute(ok ? "data-copied" : "data-copy-failed") || "";
    }
  }

  function copyBySelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(
        function () { report(button, true); },
        function () { report(button, copyBySelection(field)); }
      );
    } else {
      report(button, copyBySelection(field));
    }
  });

  document.addEventListener("htmx:load", function (event) {
    reveal(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }
})();
