// The query workbench. The page works without this script: the form is a plain GET (every
// result has an address to share), the server draws the table and the chart. The script adds
// the editor (CodeMirror, static/vendor), completion from this dataset, the place of a syntax
// error, examples, a history kept in this browser, and sorting, filtering and paging of the
// table (also on canned queries' pages, which have a table and no editor). It talks to this
// server only: /sparql/terms.json and /sparql/lookup.json.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var editing = Boolean(form && text);  // the query page; a canned query's page has a table only
  var lang = document.documentElement.lang || "en";
  var messages = readJson("workbench-words") || {};
  var examples = readJson("examples-data") || {};
  var HISTORY_KEY = "sdglod.queryHistory";
  var HISTORY_SIZE = 30;
  var PAGE_ROWS = 50;

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    try { return JSON.parse(element.textContent); } catch (err) { return null; }
  }
  function say(key) { return messages[key] || key; }
  function make(tag, attributes, content) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      element.setAttribute(name, attributes[name]);
    });
    if (content !== undefined) { element.textContent = content; }
    return element;
  }

  // --- the editor ------------------------------------------------------------------------
  var view = null;
  if (editing && window.CM) { view = mountEditor(); }

  function submit() {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function mountEditor() {
    var CM = window.CM;
    var host = make("div", { "class": "editor", id: "editor" });
    text.parentNode.insertBefore(host, text);
    text.hidden = true;  // still the form's field: the editor writes every change into it
    var label = document.querySelector("label[for='query']");
    if (label) { label.id = label.id || "query-label"; }
    var run = CM.Prec.highest(CM.keymap.of([
      { key: "Mod-Enter", run: function () { submit(); return true; } },
    ]));
    var editor = new CM.EditorView({
      parent: host,
      state: CM.EditorState.create({
        doc: text.value,
        extensions: [
          run,
          CM.basicSetup,
          CM.sparql(),
          CM.lintGutter(),
          CM.autocompletion({ override: [completeTerms, completeResources], activateOnTyping: true }),
          CM.EditorView.lineWrapping,
          CM.EditorView.contentAttributes.of({
            "aria-labelledby": label ? label.id : "",
            "aria-describedby": "shortcuts",
            "aria-multiline": "true",
            "data-gramm": "false",
          }),
          CM.EditorView.updateListener.of(function (update) {
            if (update.docChanged) { text.value = update.state.doc.toString(); }
          }),
        ],
      }),
    });
    return editor;
  }

  function setQuery(query) {
    text.value = query;
    if (view) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: query } });
      view.focus();
    } else {
      text.focus();
    }
  }

  // --- where a syntax error is -------------------------------------------------------------
  // The server names the line and, where the store says it, the column: mark that place (the
  // whole line when there is no column, as from Virtuoso).
  var error = document.querySelector("#error .message[data-line]");
  if (error && editing) { markError(error); }

  function markError(element) {
    var line = parseInt(element.dataset.line, 10);
    var column = element.dataset.column ? parseInt(element.dataset.column, 10) : 0;
    text.setAttribute("aria-invalid", "true");
    if (!view) { return; }
    var doc = view.state.doc;
    if (!(line >= 1)) { return; }
    var target = doc.line(Math.min(line, doc.lines));
    var from = column ? Math.min(target.from + column - 1, target.to) : target.from;
    var to = column ? Math.min(from + 1, target.to) : target.to;
    if (to <= from) { to = Math.min(from + 1, doc.length); from = Math.max(0, to - 1); }
    view.dispatch(window.CM.setDiagnostics(view.state, [
      { from: from, to: to, severity: "error", message: element.textContent },
    ]));
    view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    view.contentDOM.setAttribute("aria-invalid", "true");
    view.focus();
  }

  // --- completion from this dataset ---------------------------------------------------------
  var terms = null;
  function loadTerms() {
    if (!terms) {
      terms = fetch("/sparql/terms.json", { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    }
    return terms;
  }

  var KEYWORDS = ("SELECT DISTINCT WHERE FILTER OPTIONAL UNION GRAPH BIND VALUES ORDER BY GROUP " +
    "HAVING LIMIT OFFSET ASK CONSTRUCT DESCRIBE PREFIX COUNT SAMPLE MIN MAX SUM AVG " +
    "GROUP_CONCAT LANG LANGMATCHES STR CONTAINS REGEX LCASE UCASE NOT EXISTS MINUS AS DESC ASC")
    .split(" ");

  function declared(state) {
    var found = {};
    var re = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*</gi;
    var match, source = state.doc.toString();
    while ((match = re.exec(source))) { found[match[1] || ""] = true; }
    return found;
  }

  // A PREFIX line for ``prefix`` after the last one, unless the query declares it already.
  function withPrefix(prefix, namespace) {
    return function (editor, completion, from, to) {
      var changes = [{ from: from, to: to, insert: completion.label }];
      var cursor = from + completion.label.length;
      if (!declared(editor.state)[prefix]) {
        var line = "PREFIX " + prefix + ": <" + namespace + ">\n";
        var source = editor.state.doc.toString(), at = 0, re = /^\s*PREFIX\b.*$/gim, m;
        while ((m = re.exec(source))) { at = m.index + m[0].length + 1; }
        at = Math.min(at, source.length);
        changes.push({ from: at, insert: line });
        if (at <= from) { cursor += line.length; }
      }
      editor.dispatch({ changes: changes, selection: { anchor: cursor }, userEvent: "input.complete" });
    };
  }

  function termInfo(term) {
    var label = term.label && (term.label[lang] || term.label.en);
    return (label ? label + " — " : "") + term.iri;
  }

  function completeTerms(context) {
    var before = context.state.sliceDoc(Math.max(0, context.pos - 400), context.pos);
    var prefixLine = /PREFIX\s+([A-Za-z][\w.-]*)?$/i.exec(before);
    var word = context.matchBefore(/[A-Za-z_][\w.-]*:[\w.-]*|[A-Za-z_][\w-]*|\?[\w]*/);
    if (!prefixLine && !word && !context.explicit) { return null; }
    return loadTerms().then(function (data) {
      if (!data) { return null; }
      var prefixes = data.prefixes || {};
      if (prefixLine) {  // PREFIX sch|  →  PREFIX schema: <http://schema.org/>
        var start = context.pos - (prefixLine[1] || "").length;
        return {
          from: start,
          options: Object.keys(prefixes).map(function (prefix) {
            return {
              label: prefix + ": <" + prefixes[prefix] + ">",
              type: "namespace",
              detail: say("prefix"),
            };
          }),
        };
      }
      if (!word || word.text.charAt(0) === "?") { return null; }
      var rest = context.state.sliceDoc(Math.max(0, word.from - 200), word.from);
      var afterA = /(?:^|[\s;{.])(?:a|rdf:type)\s+$/.test(rest);
      var options = [];
      function add(list, kind, boost) {
        (list || []).forEach(function (term) {
          var colon = term.name.indexOf(":");
          if (term.name.charAt(0) === "<" || colon < 0) { return; }
          var prefix = term.name.slice(0, colon);
          options.push({
            label: term.name,
            type: kind,
            detail: term.count + " · " + say(kind === "class" ? "class" : "property"),
            info: termInfo(term),
            boost: boost,
            apply: withPrefix(prefix, prefixes[prefix]),
          });
        });
      }
      add(data.classes, "class", afterA ? 50 : 0);
      add(data.properties, "property", afterA ? -50 : 10);
      if (word.text.indexOf(":") < 0) {
        Object.keys(prefixes).forEach(function (prefix) {
          options.push({ label: prefix + ":", type: "namespace", detail: prefixes[prefix],
                         apply: withPrefix(prefix, prefixes[prefix]), boost: -10 });
        });
        KEYWORDS.forEach(function (keyword) {
          options.push({ label: keyword, type: "keyword", boost: -20 });
        });
      }
      return { from: word.from, options: options, validFor: /^[\w.:-]*$/ };
    });
  }

  // Resources by their label: what the reader typed goes to this server's lookup, never
  // elsewhere, and only after three letters (or Ctrl+Space).
  var lookups = {};
  function completeResources(context) {
    var word = context.matchBefore(/[^\s{}()<>"'?$;,.:][^\s{}()<>"';,:]*/);
    if (!word || (word.text.length < 3 && !context.explicit) || word.text.length < 2) {
      return null;
    }
    // Not the local part of a prefixed name (sdglod:Out…), nor a keyword being typed (SEL…).
    if (/[:?$]$/.test(context.state.sliceDoc(Math.max(0, word.from - 1), word.from))) { return null; }
    var typed = word.text;
    if (!context.explicit && typed === typed.toUpperCase() && KEYWORDS.some(function (k) {
      return k.indexOf(typed) === 0;
    })) { return null; }
    var key = word.text.toLowerCase() + "|" + lang;
    if (!lookups[key]) {
      var url = "/sparql/lookup.json?" + new URLSearchParams({ q: word.text, lang: lang });
      lookups[key] = fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .catch(function () { return { results: [] }; });
    }
    return Promise.all([lookups[key], loadTerms()]).then(function (answers) {
      var found = answers[0], prefixes = (answers[1] && answers[1].prefixes) || {};
      var options = (found.results || []).map(function (resource) {
        var colon = resource.name.indexOf(":");
        var prefix = resource.name.charAt(0) === "<" || colon < 0 ? null : resource.name.slice(0, colon);
        return {
          label: resource.label || resource.name,
          type: "variable",
          detail: resource.type || "",
          info: resource.name,
          apply: prefix !== null && prefixes[prefix] ?
            function (editor, completion, from, to) {
              withPrefix(prefix, prefixes[prefix])(editor, { label: resource.name }, from, to);
            } : resource.name,
        };
      });
      return options.length ? { from: word.from, options: options, filter: false } : null;
    });
  }

  // --- examples and the reader's own history ------------------------------------------------
  var picker = document.getElementById("example");
  if (picker) {
    picker.addEventListener("change", function () {
      if (examples[picker.value]) { setQuery(examples[picker.value]); }
    });
  }

  function readHistory() {
    try {
      var list = JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (item) {
        return item && typeof item.query === "string";
      }) : [];
    } catch (err) { return []; }
  }

  function remember(query) {
    if (!query.trim()) { return; }
    var list = readHistory().filter(function (item) { return item.query !== query; });
    list.unshift({ query: query, time: new Date().toISOString() });
    try { window.localStorage.setItem(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_SIZE))); }
    catch (err) { /* storage full or refused: the history is a convenience */ }
  }

  var historyRow = document.getElementById("history-row");
  var historyPicker = document.getElementById("history");
  var kept = readHistory();
  if (historyRow && historyPicker && kept.length) {
    kept.forEach(function (item, index) {
      var first = item.query.replace(/^\s*(#.*\n|PREFIX[^\n]*\n|\s+)*/i, "").replace(/\s+/g, " ");
      var when = item.time ? item.time.slice(0, 16).replace("T", " ") + " · " : "";
      historyPicker.appendChild(make("option", { value: String(index) }, when + first.slice(0, 90)));
    });
    historyRow.hidden = false;
    historyPicker.addEventListener("change", function () {
      var item = kept[parseInt(historyPicker.value, 10)];
      if (item) { setQuery(item.query); }
    });
    var clear = document.getElementById("history-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        try { window.localStorage.removeItem(HISTORY_KEY); } catch (err) { /* nothing kept */ }
        historyRow.hidden = true;
      });
    }
  }
  if (editing) { form.addEventListener("submit", function () { remember(text.value); }); }

  // --- the table: sort, filter, pages --------------------------------------------------------
  var table = document.querySelector("#table-view table.results, table.results");
  if (table && table.tBodies.length) { enhanceTable(table); }

  function sortKey(cell) {
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var number = Number(value);
    return value !== "" && !isNaN(number) ? number : value;
  }

  function enhanceTable(results) {
    var body = results.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var shown = rows, page = 0;
    var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });

    var tools = make("div", { "class": "table-tools" });
    var filterLabel = make("label", { "for": "filter" }, say("filter"));
    var filter = make("input", { type: "search", id: "filter", autocomplete: "off" });
    var status = make("span", { id: "shown", role: "status" });
    tools.appendChild(filterLabel);
    tools.appendChild(filter);
    tools.appendChild(status);
    var scroller = results.closest(".table-scroll") || results;
    scroller.parentNode.insertBefore(tools, scroller);
    var pager = make("nav", { "class": "pages table-pages", "aria-label": say("pages") });
    var previous = make("button", { type: "button", id: "previous-rows" }, say("previous"));
    var next = make("button", { type: "button", id: "next-rows" }, say("next"));
    pager.appendChild(previous);
    pager.appendChild(next);
    scroller.parentNode.insertBefore(pager, scroller.nextSibling);

    function draw() {
      var pages = Math.max(1, Math.ceil(shown.length / PAGE_ROWS));
      page = Math.min(page, pages - 1);
      var first = page * PAGE_ROWS, last = Math.min(shown.length, first + PAGE_ROWS);
      var visible = new Set(shown.slice(first, last));
      rows.forEach(function (row) { row.hidden = !visible.has(row); });
      shown.forEach(function (row) { body.appendChild(row); });  // the order sorted
      status.textContent = shown.length ?
        say("showing").replace("{first}", first + 1).replace("{last}", last)
          .replace("{total}", shown.length) : say("nothing_matches");
      previous.disabled = page === 0;
      next.disabled = page >= pages - 1;
      pager.hidden = pages < 2;
    }

    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      shown = rows.filter(function (row) {
        var content = row.textContent.toLowerCase();
        return words.every(function (w) { return content.indexOf(w) >= 0; });
      });
      if (sorted) { order(sorted.column, sorted.direction); }
      page = 0;
      draw();
    });
    previous.addEventListener("click", function () { page -= 1; draw(); });
    next.addEventListener("click", function () { page += 1; draw(); });

    var sorted = null;
    var headers = Array.prototype.slice.call(results.tHead ? results.tHead.rows[0].cells : []);
    function order(column, direction) {
      shown.sort(function (a, b) {
        var x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
        var c = typeof x === "number" && typeof y === "number" ? x - y :
          collator.compare(String(x), String(y));
        return c * direction;
      });
    }
    headers.forEach(function (header, column) {
      var button = make("button", { type: "button", "class": "sort" });
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.title = say("sort");
      button.addEventListener("click", function () {
        var direction = sorted && sorted.column === column ? -sorted.direction : 1;
        sorted = { column: column, direction: direction };
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", direction > 0 ? "ascending" : "descending");
        order(column, direction);
        page = 0;  // a new order starts at its beginning
        draw();
      });
    });
    draw();
  }

  // --- table or chart: the view is part of the address -------------------------------------
  var views = document.querySelectorAll("nav.views a[href]");
  var share = document.getElementById("share");
  Array.prototype.forEach.call(views, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var chosen = new URL(link.href, window.location.href).searchParams.get("view") || "table";
      ["table", "chart"].forEach(function (name) {
        var part = document.getElementById(name + "-view");
        if (part) { part.hidden = name !== chosen; }
      });
      Array.prototype.forEach.call(views, function (other) {
        if (other === link) { other.setAttribute("aria-current", "page"); }
        else { other.removeAttribute("aria-current"); }
      });
      var address = new URL(window.location.href);
      address.searchParams.set("view", chosen);
      window.history.replaceState(null, "", address.pathname + address.search);
      if (share) {
        var shared = new URL(share.href, window.location.href);
        shared.searchParams.set("view", chosen);
        share.href = shared.pathname + shared.search;
      }
    });
  });
})();
