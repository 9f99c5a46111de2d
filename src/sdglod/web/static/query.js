// The query page works without this script (the form is a plain GET, so every result has a
// URL to share). The script adds: loading an example, Ctrl+Enter to run, and putting the
// cursor where a syntax error is.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var picker = document.getElementById("example");
  var data = document.getElementById("examples-data");
  if (!form || !text) { return; }
  var examples = data ? JSON.parse(data.textContent) : {};

  if (picker) {
    picker.addEventListener("change", function () {
      if (examples[picker.value]) {
        text.value = examples[picker.value];
        text.focus();
      }
    });
  }

  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });

  // A syntax error gives its line and, where the store tells it, its column: select that
  // place in the editor (the whole line when there is no column, as from Virtuoso).
  var error = document.querySelector("#error .message[data-line]");
  if (error) {
    var line = parseInt(error.dataset.line, 10);
    var column = error.dataset.column ? parseInt(error.dataset.column, 10) : 0;
    var lines = text.value.split("\n"), offset = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { offset += lines[i].length + 1; }
    var end = column ? offset + column : offset + (lines[line - 1] || "").length;
    offset += Math.max(column - 1, 0);
    text.focus();
    text.setSelectionRange(offset, Math.min(Math.max(end, offset + 1), text.value.length));
    text.setAttribute("aria-invalid", "true");
  }
})();
