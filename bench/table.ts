/** A plain-text table with sections, aligned for a terminal (no colours, no box drawing). */

export type Cell = string | number | undefined;

export interface Column {
  title: string;
  align: 'left' | 'right';
}

type Line = { kind: 'section'; title: string } | { kind: 'row'; cells: Cell[] };

export class Table {
  readonly #lines: Line[] = [];

  constructor(readonly columns: Column[]) {}

  section(title: string): this {
    this.#lines.push({ kind: 'section', title });
    return this;
  }

  row(...cells: Cell[]): this {
    this.#lines.push({ kind: 'row', cells });
    return this;
  }

  render(): string {
    const text = (cell: Cell) => (cell === undefined ? '' : typeof cell === 'number' ? format(cell) : cell);
    const rows = this.#lines.flatMap((l) => (l.kind === 'row' ? [l.cells.map(text)] : []));
    const widths = this.columns.map((c, i) =>
      Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)),
    );
    const pad = (value: string, i: number) =>
      this.columns[i]!.align === 'right' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!);
    const join = (cells: string[]) =>
      this.columns
        .map((_, i) => pad(cells[i] ?? '', i))
        .join('  ')
        .trimEnd();
    const header = join(this.columns.map((c) => c.title));
    const width = header.length;
    const out = [header, '='.repeat(width)];
    for (const line of this.#lines) {
      if (line.kind === 'section')
        out.push('', line.title, '-'.repeat(Math.min(width, Math.max(line.title.length, 20))));
      else out.push(join(line.cells.map(text)));
    }
    return out.join('\n');
  }
}

/** Numbers as people read them: thousands separated; fractions with 2 decimals (1 from 100, none from 10,000). */
export function format(value: number): string {
  const digits = Number.isInteger(value) || Math.abs(value) >= 10_000 ? 0 : Math.abs(value) >= 100 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
