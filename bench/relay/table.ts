/**
 * Output of the relay benchmark: Markdown tables (readable in a terminal,
 * pasted as they are into docs/performance.md) and number formats.
 */

/** A Markdown table with padded columns; the first column left-aligned, the others right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((_, column) => Math.max(3, ...[header, ...rows].map((cells) => (cells[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (column === 0 ? (cells[column] ?? '').padEnd(width) : (cells[column] ?? '').padStart(width))).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (column === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds with the precision that means something at that size. */
export function formatMs(ms: number): string {
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatPercent(value: number): string {
  return `${value.toFixed(0)} %`;
}

export function formatKiB(kib: number): string {
  return `${kib.toFixed(1)} KiB`;
}

/** Shown where a target has no figure for a metric (e.g. joining a document on a server that holds none). */
export const NOT_APPLICABLE = '—';
