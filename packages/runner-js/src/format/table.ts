import { isMap, isSet } from './brand.js';
import { inspect, type InspectOptions } from './inspect.js';

const INDEX_HEADER = '(index)';
const ITERATION_INDEX_HEADER = '(iteration index)';
const KEY_HEADER = 'Key';
const VALUES_HEADER = 'Values';

/**
 * Width of a string in a monospace terminal: East Asian wide characters and
 * most emoji take two columns, combining marks none.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || (code >= 0xfe00 && code <= 0xfe0f)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

function renderRow(row: string[], widths: number[]): string {
  let out = '│ ';
  row.forEach((cell, i) => {
    out += cell + ' '.repeat(widths[i]! - displayWidth(cell));
    if (i !== row.length - 1) out += ' │ ';
  });
  return `${out} │`;
}

/** Draws the box table Node's `console.table` prints; `columns[i]` holds the cells under `head[i]` (sparse). */
export function renderTable(head: string[], columns: Array<Array<string | undefined>>): string {
  const widths = head.map((title) => displayWidth(title));
  const rowCount = Math.max(0, ...columns.map((column) => column.length));
  const rows: string[][] = Array.from({ length: rowCount }, () => []);
  head.forEach((_, i) => {
    const column = columns[i] ?? [];
    for (let j = 0; j < rowCount; j++) {
      const cell = column[j] ?? '';
      rows[j]![i] = cell;
      widths[i] = Math.max(widths[i]!, displayWidth(cell));
    }
  });
  const divider = widths.map((width) => '─'.repeat(width + 2));
  let result = `┌${divider.join('┬')}┐\n${renderRow(head, widths)}\n├${divider.join('┼')}┤\n`;
  for (const row of rows) result += `${renderRow(row, widths)}\n`;
  result += `└${divider.join('┴')}┘`;
  return result;
}

/**
 * The text `console.table(data, properties)` prints, or null when `data` is
 * not an object (then `console.table` logs it like `console.log`).
 */
export function formatTable(data: unknown, properties?: readonly string[], options: InspectOptions = {}): string | null {
  if (data === null || (typeof data !== 'object' && typeof data !== 'function')) return null;
  // Cells are short: nested objects collapse, at most 3 array items.
  const cell = (value: unknown): string => {
    const depth = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 2 ? -1 : 0;
    return inspect(value, { ...options, depth, maxArrayLength: 3, breakLength: Infinity });
  };
  const indexColumn = (length: number) => Array.from({ length }, (_, i) => cell(i));

  if (isMap(data)) {
    const keys: string[] = [];
    const values: string[] = [];
    for (const [key, value] of Map.prototype.entries.call(data)) {
      keys.push(cell(key));
      values.push(cell(value));
    }
    return renderTable([ITERATION_INDEX_HEADER, KEY_HEADER, VALUES_HEADER], [indexColumn(keys.length), keys, values]);
  }
  if (isSet(data)) {
    const values: string[] = [];
    for (const value of Set.prototype.values.call(data)) values.push(cell(value));
    return renderTable([ITERATION_INDEX_HEADER, VALUES_HEADER], [indexColumn(values.length), values]);
  }

  // A plain record, not a Map: Node orders integer-like column names first, as objects do.
  const byColumn: Record<string, Array<string | undefined>> = Object.create(null) as Record<string, Array<string | undefined>>;
  const primitiveValues: Array<string | undefined> = [];
  let hasPrimitives = false;
  const rowKeys = Object.keys(data);
  rowKeys.forEach((rowKey, i) => {
    const item = (data as Record<string, unknown>)[rowKey];
    const primitive = item === null || (typeof item !== 'function' && typeof item !== 'object');
    if (properties === undefined && primitive) {
      hasPrimitives = true;
      primitiveValues[i] = cell(item);
      return;
    }
    const keys = properties ?? Object.keys(item as object);
    for (const key of keys) {
      const column = (byColumn[key] ??= []);
      const has = !primitive && Object.prototype.hasOwnProperty.call(item, key);
      column[i] = has ? cell((item as Record<string, unknown>)[key]) : '';
    }
  });
  const head = [INDEX_HEADER, ...Object.keys(byColumn)];
  const columns: Array<Array<string | undefined>> = [rowKeys, ...Object.values(byColumn)];
  if (hasPrimitives) {
    head.push(VALUES_HEADER);
    columns.push(primitiveValues);
  }
  return renderTable(head, columns);
}
