/**
 * Text from a server or from input, made safe to show on a terminal: control characters are shown, not obeyed. A
 * stream named `\x1b[31mRED` is printed as those characters, so nothing recolours, moves the cursor or rewrites the
 * screen, and a name with a newline or a carriage return cannot forge a line of output. Used by the renderers for
 * people (tables, columns, lines); never on `--json` or `--raw` output, which carry the text unchanged.
 */

/** C0 controls (with tab, newline and carriage return), DEL and the C1 controls. */
 
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g
 
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/

/** Each control character as `\xNN` (two lower-case hex digits); everything else unchanged. */
export function escapeControls(text: string): string {
  // most text has none: no copy
  if (!ANY_CONTROL.test(text)) return text
  return text.replaceAll(CONTROLS, (c) => `\\x${c.codePointAt(0)!.toString(16).padStart(2, '0')}`)
}
