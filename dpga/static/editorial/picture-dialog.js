/* The body editor's picture dialog, opened by the toolbar's picture button
 * (admin-editor.js): search the picture library and insert a picture's Markdown at
 * the cursor, or upload a new picture there and insert it.
 * - The address in data-picture-chooser answers with the library's pictures and, for
 *   someone who may add pictures, the upload form's fields: the library add page's own
 *   form (labels, help, types), built here as inputs.
 * - The upload form is a <form> of its own outside the announcement's form (its inputs
 *   name it with form="..."): nothing of it is ever sent or autosaved with the
 *   announcement, and its changes do not bubble up to the announcement's form. It posts multipart with the page's CSRF token; the server answers
 *   the new picture (its Markdown is inserted at the cursor, the dialog closes, focus
 *   returns to the body) or the form's errors by field, shown beside each field with
 *   focus on the first (nothing inserted, the body untouched).
 * - Escape closes the dialog and returns to the picture button; Enter in its search
 *   searches (it never submits the announcement).
 * No inline script or style: works under a strict CSP. Without JavaScript there is no
 * dialog: the body's help text links to the picture library.
 */
"use strict";

window.dpgaPictureDialog = (function () {
  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function describe(input, ids) {
    const wanted = ids.filter(Boolean).join(" ");
    if (wanted) input.setAttribute("aria-describedby", wanted);
    else input.removeAttribute("aria-describedby");
  }

  function uploadForm(textarea, labels, upload, inserted) {
    const form = make("form");
    form.id = textarea.id + "-upload";
    form.action = upload.url;
    form.method = "post";
    form.enctype = "multipart/form-data";
    form.noValidate = true; // the server's checks and words, as on the library's page
    document.body.append(form);

    const fieldset = make("fieldset", "picture-upload");
    fieldset.append(make("legend", "", labels.upload_legend));
    const general = make("ul", "errorlist nonfield");
    general.id = form.id + "-errors";
    general.tabIndex = -1;
    general.hidden = true;
    fieldset.append(general);
    const rows = upload.fields.map(function (field) {
      const input = make("input");
      input.type = field.type;
      input.name = field.name;
      input.id = form.id + "-" + field.name;
      input.setAttribute("form", form.id);
      input.required = field.required; // said to screen readers; the server checks
      Object.keys(field.attrs).forEach(function (name) {
        input.setAttribute(name, field.attrs[name]);
      });
      const label = make("label", field.required ? "required" : "", field.label);
      label.htmlFor = input.id;
      const errors = make("ul", "errorlist");
      errors.id = input.id + "-errors";
      errors.hidden = true;
      const help = field.help ? make("p", "help", field.help) : null;
      if (help) help.id = input.id + "-help";
      const row = make("div", "picture-upload__row picture-upload__row--" + field.type);
      if (field.type === "checkbox") {
        label.className = "vCheckboxLabel";
        row.append(errors, input, label);
      } else {
        row.append(errors, label, input);
      }
      if (help) row.append(help);
      fieldset.append(row);
      describe(input, [help && help.id]);
      return { name: field.name, input: input, errors: errors, help: help };
    });
    const status = make("p", "picture-upload__status");
    status.setAttribute("aria-live", "polite");
    const submit = make("button", "button", labels.upload_submit);
    submit.type = "submit";
    submit.setAttribute("form", form.id);
    fieldset.append(submit, status);

    function clear() {
      general.hidden = true;
      general.replaceChildren();
      rows.forEach(function (row) {
        row.errors.hidden = true;
        row.errors.replaceChildren();
        row.input.removeAttribute("aria-invalid");
        describe(row.input, [row.help && row.help.id]);
      });
    }

    function list(target, messages) {
      target.replaceChildren(
        ...messages.map(function (message) {
          return make("li", "", message);
        })
      );
      target.hidden = false;
    }

    function show(errors) {
      let first = null;
      rows.forEach(function (row) {
        if (!errors[row.name]) return;
        list(row.errors, errors[row.name]);
        row.input.setAttribute("aria-invalid", "true");
        describe(row.input, [row.errors.id, row.help && row.help.id]);
        first = first || row.input;
      });
      const others = Object.keys(errors).filter(function (name) {
        return !rows.some(function (row) { return row.name === name; });
      });
      if (others.length) {
        list(general, [].concat(...others.map(function (name) { return errors[name]; })));
        first = first || general;
      }
      first.focus();
    }

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      clear();
      submit.disabled = true;
      status.textContent = labels.uploading;
      const input = textarea.closest("form").querySelector("input[name=csrfmiddlewaretoken]");
      let answer = null;
      let ok = false;
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { "X-CSRFToken": input ? input.value : "", Accept: "application/json" },
        });
        ok = response.ok;
        answer = await response.json();
      } catch (error) {
        answer = null; // no answer, or not the form's: said below
      }
      submit.disabled = false;
      status.textContent = "";
      if (ok && answer && answer.markdown) {
        form.reset();
        inserted(answer.markdown);
      } else if (answer && answer.errors && Object.keys(answer.errors).length) {
        show(answer.errors);
      } else {
        show({ __all__: [labels.upload_failed] });
      }
    });
    return fieldset;
  }

  return function setUp(textarea, labels, toolbar, button, helpers) {
    const panel = make("div", "picture-chooser");
    panel.hidden = true;
    panel.id = textarea.id + "-pictures";
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", labels.picture);
    const search = make("input");
    search.type = "search";
    search.setAttribute("aria-label", labels.search);
    search.placeholder = labels.search;
    const choices = make("ul", "picture-chooser__list");
    const library = make("a", "", labels.library);
    library.target = "_blank";
    library.rel = "noopener";
    panel.append(search, choices, library);
    toolbar.after(panel);
    let upload = null;

    function close(focusButton) {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (focusButton) button.focus();
    }

    function insert(markdown) {
      helpers.insert(textarea, markdown); // focus goes back to the body, after it
      close(false);
    }

    async function load() {
      const url = textarea.dataset.pictureChooser + "?" + new URLSearchParams({ q: search.value });
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const result = await response.json();
      library.href = result.library_url;
      if (result.upload && !upload) {
        upload = uploadForm(textarea, labels, result.upload, insert);
        library.before(upload);
      }
      if (!result.pictures.length) {
        choices.replaceChildren(make("li", "", labels.none));
        return;
      }
      choices.replaceChildren(
        ...result.pictures.map(function (picture) {
          const choose = make("button", "picture-chooser__choice");
          choose.type = "button";
          const thumbnail = make("img");
          thumbnail.src = picture.src;
          thumbnail.alt = "";
          choose.append(thumbnail, make("span", "", picture.caption || picture.alt || picture.markdown));
          choose.addEventListener("click", function () { insert(picture.markdown); });
          const item = make("li");
          item.append(choose);
          return item;
        })
      );
    }

    search.addEventListener("input", helpers.debounce(load, 200));
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // searches; never submits the announcement
        load();
      }
    });
    // The dialog's fields are not the announcement's: typing in them is neither
    // autosaved nor an unsaved change of the form around them.
    ["input", "change"].forEach(function (type) {
      panel.addEventListener(type, function (event) { event.stopPropagation(); });
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      }
    });
    button.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      button.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) {
        load();
        search.focus();
      }
    });
  };
})();
