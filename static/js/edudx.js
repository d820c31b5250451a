/*
 * EduDX — small progressive enhancements. Every page works without this file.
 * Loaded with `defer`; no inline scripts anywhere (Content-Security-Policy: script-src 'self').
 */
(function () {
  "use strict";

  // Copy buttons: <button data-edx-copy="#input-id" data-edx-copied="Đã sao chép" hidden>.
  // Hidden in the HTML, shown only when this script runs (without JS the user selects the text).
  function initCopyButtons(root) {
    root.querySelectorAll("[data-edx-copy]").forEach(function (button) {
      if (button.dataset.edxReady) {
        return;
      }
      button.dataset.edxReady = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.querySelector(button.dataset.edxCopy);
        if (!source) {
          return;
        }
        var text = source.value || source.textContent;
        var status = button.dataset.edxStatus ? document.querySelector(button.dataset.edxStatus) : null;
        var done = function () {
          if (status) {
            status.textContent = button.dataset.edxCopied || "";
          }
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () {
            source.select();
          });
        } else {
          source.focus();
          source.select();
          try {
            document.execCommand("copy");
            done();
          } catch (e) {
            /* the text stays selected: the user can copy it by hand */
          }
        }
      });
    });
  }

  // Readonly inputs marked data-edx-select-all select their content on focus (API key).
  function initSelectAll(root) {
    root.querySelectorAll("[data-edx-select-all]").forEach(function (input) {
      input.addEventListener("focus", function () {
        input.select();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCopyButtons(document);
    initSelectAll(document);
  });

  // htmx: if the session expired, a polled fragment would be answered by the login page (after the
  // redirect). Never swap a whole page into a fragment: go to the login page instead.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var loginUrl = document.body.dataset.loginUrl;
    if (!xhr || !loginUrl || !xhr.responseURL) {
      return;
    }
    var url = new URL(xhr.responseURL, window.location.href);
    if (url.pathname === loginUrl) {
      event.detail.shouldSwap = false;
      var next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.assign(loginUrl + "?next=" + next);
    }
  });

  // A polled element answered with an error (403/404/500): stop polling and say so, instead of
  // hammering the server every second. The element carries the message in data-edx-poll-error.
  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    var poll = elt && elt.closest ? elt.closest("[data-edx-poll]") : null;
    if (!poll) {
      return;
    }
    poll.dataset.edxStopped = "1";
    var slot = poll.querySelector("[data-edx-poll-status]");
    if (slot && poll.dataset.edxPollError) {
      slot.textContent = poll.dataset.edxPollError;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.dataset && elt.dataset.edxStopped === "1" && elt.hasAttribute("data-edx-poll")) {
      event.preventDefault();
    }
  });

  // A button inside a polled job (cancel) replaces the whole job element and so disappears: keep keyboard
  // and screen-reader users in place by moving focus to the new element's status line.
  var refocusId = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && !elt.hasAttribute("data-edx-poll") && elt.closest) {
      var poll = elt.closest("[data-edx-poll]");
      refocusId = poll && document.activeElement === elt ? poll.id : null;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!refocusId) {
      return;
    }
    var root = document.getElementById(refocusId);
    refocusId = null;
    if (root && (document.activeElement === document.body || !document.activeElement)) {
      var target = root.querySelector("[data-edx-poll-status]") || root;
      target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    initCopyButtons(event.detail.elt.parentNode || document);
  });
})();
