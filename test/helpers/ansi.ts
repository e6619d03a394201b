/** the colour codes (foreground or background) among a screen's SGR sequences, as `tmux capture-pane -e` gives them */
export function colourCodes(screenWithEscapes: string): string[] {
  const out: string[] = []
  for (const m of screenWithEscapes.matchAll(/\u001B\[([\d;]*)m/g)) {
    const params = m[1].split(';').map(Number)
    if (params.some((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))) out.push(m[0])
  }

  return out
}
