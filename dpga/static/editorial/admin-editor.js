/* Admin-only helpers for editors (the public site loads no script):
 * - live preview of Markdown fields, rendered by the server with the same
 *   Markdown and sanitiser as the public page;
 * - tag field: how the text will be split into tags, and completions of
 *   existing tags (through a native <datalist>, so keyboard and screen
 *   readers work as with any input).
 * - a Markdown toolbar (data-toolbar-labels) whose picture button opens the
 *   picture dialog (picture-dialog.js, data-picture-chooser): choose or upload a
 *   library picture and insert its Markdown;
 * - a live character count (data-count-limit);
 * - "Schedule" instead of "Publish" on the main button while the go-live time
 *   is in the future;
 * - leaving a changed form asks first (beforeunload).
 * Fields opt in with data-* attributes that carry the endpoint's address. No
 * inline script: works under a strict CSP. Everything here is an enhancement:
 * the forms work the same without it.
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

  function changed(textarea) {
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  function wrapSelection(textarea, before, after, placeholder) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const selected = textarea.value.slice(start, end) || placeholder;
    textarea.setRangeText(before + selected + after, start, end, "end");
    textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
    changed(textarea);
  }

  function prefixLines(textarea, prefix) {
    const value = textarea.value;
    const start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    let end = value.indexOf("\n", textarea.selectionEnd);
    if (end === -1) end = value.length;
    const lines = value.slice(start, end).split("\n").map(function (line) {
      return prefix + line;
    });
    textarea.setRangeText(lines.join("\n"), start, end, "end");
    changed(textarea);
  }

  function insertBlock(textarea, text) {
    const start = textarea.selectionStart;
    const before = textarea.value.slice(0, start);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    textarea.setRangeText(lead + text + "\n\n", start, textarea.selectionEnd, "end");
    changed(textarea);
  }

  function setUpToolbar(textarea) {
    const labels = JSON.parse(textarea.dataset.toolbarLabels);
    const toolbar = document.createElement("div");
    toolbar.className = "markdown-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", labels.toolbar);
    toolbar.setAttribute("aria-controls", textarea.id);
    const tools = {
      heading: function () { prefixLines(textarea, "## "); },
      bold: function () { wrapSelection(textarea, "**", "**", labels.bold); },
      italic: function () { wrapSelection(textarea, "*", "*", labels.italic); },
      link: function () { wrapSelection(textarea, "[", "](https://)", labels.link); },
      list: function () { prefixLines(textarea, "- "); },
      quote: function () { prefixLines(textarea, "> "); },
    };
    Object.keys(tools).forEach(function (name) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button markdown-toolbar__" + name;
      button.textContent = labels[name];
      button.addEventListener("click", tools[name]);
      toolbar.append(button);
    });
    // Toolbar, picture list and editor stack in one column of the field's row.
    const editor = textarea.closest(".markdown-editor") || textarea;
    const column = document.createElement("div");
    column.className = "markdown-writing";
    editor.replaceWith(column);
    column.append(toolbar, editor);
    if (textarea.dataset.pictureChooser && window.dpgaPictureDialog) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button markdown-toolbar__picture";
      button.textContent = labels.picture;
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", textarea.id + "-pictures");
      toolbar.append(button);
      // The dialog (picture-dialog.js): list, search, upload; inserts at the cursor.
      window.dpgaPictureDialog(textarea, labels, toolbar, button, {
        insert: insertBlock,
        debounce: debounce,
      });
    }
  }

  function setUpCounter(field) {
    const limit = Number(field.dataset.countLimit);
    const counter = document.createElement("p");
    counter.className = "help character-count";
    counter.id = field.id + "-count";
    counter.setAttribute("aria-live", "polite");
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    (field.closest(".flex-container") || field).after(counter);
    function update() {
      counter.textContent = field.dataset.countLabel
        .replace("%(count)s", field.value.length)
        .replace("%(limit)s", limit);
      counter.classList.toggle("character-count--full", field.value.length >= limit);
    }
    field.addEventListener("input", update);
    update();
  }

  function setUpScheduleLabel(button) {
    const bar = button.closest("[data-site-now]");
    const form = button.form;
    const date = form.querySelector("input[name=publish_at_0]");
    const time = form.querySelector("input[name=publish_at_1]");
    if (!bar || !date || !time) return;
    const loaded = Date.now();
    function update() {
      // Both are the site's local time as "YYYY-MM-DD HH:MM:SS": compared as text.
      const elapsed = new Date(Date.parse(bar.dataset.siteNow.replace(" ", "T") + "Z") + Date.now() - loaded);
      const now = elapsed.toISOString().slice(0, 19).replace("T", " ");
      const chosen = date.value.trim() + " " + (time.value.trim() + ":00:00").slice(0, 8);
      button.textContent = chosen > now ? button.dataset.scheduleLabel : button.dataset.publishLabel;
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
  }

  function guardUnsavedChanges(form) {
    // A form that autosaves has its own guard (autosave.js), aware of its Discard button.
    if (form.querySelector("[data-autosave-url]")) return;
    let dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  function labelAutocompleteSearches() {
    // The admin's autocomplete (Select2) adds a search box with no label: give it the
    // label of the list it searches, now and whenever it is drawn again.
    function label() {
      document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (box) {
        const container = box.closest(".select2");
        const select = container && container.previousElementSibling;
        const text = select && select.id && document.querySelector("label[for='" + select.id + "']");
        if (text) box.setAttribute("aria-label", text.textContent.replace(/:\s*$/, ""));
      });
    }
    new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
    label();
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelAutocompleteSearches();
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(setUpMarkdownPreview);
    document.querySelectorAll("textarea[data-toolbar-labels]").forEach(setUpToolbar);
    document.querySelectorAll("input[data-tag-hint]").forEach(setUpTagHint);
    document.querySelectorAll("[data-count-limit]").forEach(setUpCounter);
    document.querySelectorAll("button[data-schedule-label]").forEach(setUpScheduleLabel);
    document.querySelectorAll("#content-main form[method=post][id$=_form]").forEach(guardUnsavedChanges);
  });
})();
