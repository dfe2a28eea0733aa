/**
 * Docker's plain columns (Go tabwriter: minimum width 10, padding 3), so scripts that parse
 * `docker network ls` output parse ours.
 */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(10, ...[h, ...rows.map((r) => r[i] ?? '')].map((c) => c.length + 3)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('')
      .trimEnd()
  return [header, ...rows].map(line).join('\n') + '\n'
}

export function shortId(id: string, noTrunc: boolean): string {
  return noTrunc ? id : id.slice(0, 12)
}

/** docker inspect's JSON layout: an array, four-space indentation. */
export function renderJsonArray(items: unknown[]): string {
  return JSON.stringify(items, null, 4) + '\n'
}
