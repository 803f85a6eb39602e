/* Autosave of the admin's change and add forms (dpga/review/autosave.py):
 * - a few seconds after a change, and when the page is hidden or left, the form's
 *   values (not its files) are posted to the address in data-autosave-url, with the
 *   form's CSRF token; the server keeps them for their author only, never public;
 * - leaving a form changed since it was opened asks first (not when submitting it).
 * No inline script: works under a strict CSP. Without JavaScript the form works as
 * before. Another beforeunload handler on the page does no harm: the browser asks once.
 */
"use strict";

function setUpAutosave() {
  const box = document.querySelector("[data-autosave-url]");
  const form = box && box.closest("form");
  if (!form) {
    return;
  }
  const url = box.getAttribute("data-autosave-url");
  const delay = 1000 * (parseFloat(box.getAttribute("data-autosave-seconds")) || 5);
  const status = box.querySelector(".autosave__status");
  let changed = false; // since the page was opened: leaving asks
  let unsaved = false; // since the last autosave
  let submitting = false;
  let timer = null;

  function values() {
    const data = new FormData(form);
    const files = [];
    data.forEach(function (value, name) {
      if (typeof value !== "string") {
        files.push(name);
      }
    });
    files.forEach(function (name) {
      data.delete(name);
    });
    return data;
  }

  function save(leaving) {
    clearTimeout(timer);
    timer = null;
    if (!unsaved || submitting) {
      return;
    }
    unsaved = false;
    const data = values();
    if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, data)) {
      return;
    }
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: Boolean(leaving),
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        if (status && answer.message) {
          status.textContent = answer.message;
        }
      })
      .catch(function () {
        unsaved = true; // tried again after the next change, or when leaving
      });
  }

  function onChange() {
    changed = true;
    unsaved = true;
    if (timer === null) {
      timer = setTimeout(save, delay);
    }
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  function leavingOnPurpose() {
    submitting = true;
    clearTimeout(timer);
  }

  form.addEventListener("submit", leavingOnPurpose);
  // "Discard" submits a form of its own (Enter in this form must never discard).
  const discard = document.getElementById("autosave-discard");
  if (discard) {
    discard.addEventListener("submit", leavingOnPurpose);
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false; // back from the cache after a submit: a form again
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed && !submitting) {
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only with a value set
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save(true);
    }
  });
  window.addEventListener("pagehide", function () {
    save(true);
  });
}

// The admin loads its media in <head>: the form comes later.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setUpAutosave);
} else {
  setUpAutosave();
}
