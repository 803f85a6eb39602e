/* Admin-only helpers for editors (the public site loads no script):
 * - live preview of Markdown fields, rendered by the server with the same
 *   Markdown and sanitiser as the public page;
 * - tag field: how the text will be split into tags, and completions of
 *   existing tags (through a native <datalist>, so keyboard and screen
 *   readers work as with any input).
 * Fields opt in with data-markdown-preview / data-tag-hint attributes that
 * carry the endpoint's address. No inline script: works under a strict CSP.
 */
"use strict";

(function () {
  function debounce(fn, wait) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  function csrfToken(element) {
    const form = element.closest("form");
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUpMarkdownPreview(textarea) {
    const panel = document.createElement("section");
    panel.className = "markdown-preview";
    const heading = document.createElement("p");
    heading.className = "markdown-preview__label";
    heading.textContent = textarea.dataset.previewLabel || "Preview";
    const body = document.createElement("div");
    body.className = "markdown-preview__body";
    body.setAttribute("aria-live", "polite");
    panel.append(heading, body);
    const wrapper = document.createElement("div");
    wrapper.className = "markdown-editor";
    textarea.replaceWith(wrapper);
    wrapper.append(textarea, panel);

    let controller = null;
    const refresh = debounce(async function () {
      if (controller) controller.abort();
      controller = new AbortController();
      const data = new FormData();
      data.append("text", textarea.value);
      try {
        const response = await fetch(textarea.dataset.markdownPreview, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(textarea) },
          signal: controller.signal,
        });
        const result = await response.json();
        if (response.ok) {
          // Already cleaned by the server's allow-list sanitiser (dpga.rendering).
          body.innerHTML = result.html;
        } else {
          body.textContent = result.error || "";
        }
      } catch (error) {
        if (error.name !== "AbortError") body.textContent = "";
      }
    }, 300);
    textarea.addEventListener("input", refresh);
    refresh();
  }

  function setUpTagHint(input) {
    const list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    const hint = document.createElement("p");
    hint.className = "tag-hint";
    hint.id = input.id + "-split";
    hint.setAttribute("aria-live", "polite");
    input.setAttribute("list", list.id);
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? described + " " + hint.id : hint.id);
    input.after(list, hint);

    let controller = null;
    const refresh = debounce(async function () {
      if (controller) controller.abort();
      controller = new AbortController();
      const url = input.dataset.tagHint + "?" + new URLSearchParams({ q: input.value });
      try {
        const response = await fetch(url, { credentials: "same-origin", signal: controller.signal });
        if (!response.ok) return;
        const result = await response.json();
        const label = document.createElement("span");
        label.textContent = result.label + " ";
        const chips = result.tags.map(function (tag) {
          const chip = document.createElement("span");
          chip.className = "tag-chip" + (tag.new ? " tag-chip--new" : "");
          chip.textContent = tag.new ? tag.name + " (" + result.new_label + ")" : tag.name;
          return chip;
        });
        hint.replaceChildren(label, ...chips);
        list.replaceChildren(
          ...result.suggestions.map(function (value) {
            const option = document.createElement("option");
            option.value = value;
            return option;
          })
        );
      } catch (error) {
        /* A failed hint leaves the field as it is. */
      }
    }, 200);
    input.addEventListener("input", refresh);
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(setUpMarkdownPreview);
    document.querySelectorAll("input[data-tag-hint]").forEach(setUpTagHint);
  });
})();
