import stringWidth from 'string-width'

/** Printable ASCII only: one column per character, so `length` is the width and nothing needs measuring. */
const PLAIN = /^[\u0020-\u007E]*$/

let graphemes: Intl.Segmenter | undefined

/** Terminal columns `text` takes: 2 for each wide (CJK, most emoji) character, 0 for combining marks. */
export function displayWidth(text: string): number {
  return PLAIN.test(text) ? text.length : stringWidth(text)
}

/**
 * `text` in at most `width` columns: as it is when it fits, else cut at a whole character and ended with `mark` (one
 * column). A wide character that would straddle the edge is left out, not split.
 */
export function cutWidth(text: string, width: number, mark = '~'): string {
  if (displayWidth(text) <= width) return text
  if (PLAIN.test(text)) return text.slice(0, Math.max(0, width - 1)) + mark
  graphemes ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})
  let out = ''
  let used = 0
  for (const {segment} of graphemes.segment(text)) {
    const w = stringWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }

  return out + mark
}

/** `text` padded with spaces to at least `width` columns (on the left for `right`); never cut. */
export function padWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const pad = ' '.repeat(Math.max(0, width - displayWidth(text)))
  return align === 'right' ? pad + text : text + pad
}

/** `text` in exactly `width` columns: cut (ending in an ASCII `~`) or padded. */
export function fitWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (PLAIN.test(text)) {
    // the common case, measured once: a top frame fits hundreds of cells
    const t = text.length > width ? text.slice(0, Math.max(0, width - 1)) + '~' : text
    return align === 'right' ? t.padStart(width) : t.padEnd(width)
  }

  return padWidth(cutWidth(text, width), width, align)
}
