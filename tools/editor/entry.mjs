// What the query page's script (static/workbench.js) uses of CodeMirror 6, bundled by esbuild
// into one file that defines the global `CM` (no modules, no CDN: the page works offline).
export { basicSetup } from "codemirror";
export { EditorView, keymap } from "@codemirror/view";
export { EditorState, Prec } from "@codemirror/state";
export { autocompletion, startCompletion } from "@codemirror/autocomplete";
export { setDiagnostics, lintGutter } from "@codemirror/lint";
export { sparql } from "codemirror-lang-sparql";
