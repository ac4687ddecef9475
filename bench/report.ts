// The table (like issue 13's) and the JSON of a run: medians of the rounds, each ratio against its
// same-run reference, the goal and whether it is met.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Row {
  work: string;
  ours: string;
  reference: string;
  ratio: number | undefined;
  goal: string;
  met: boolean | undefined;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
/**
 * The median of the per-round ratios ours[i] / reference[i]: each pair was measured in the same round
 * (the in-process rows, and the documents against nginx, interleaved), so load that comes and goes
 * on a shared machine weighs on both sides of each ratio.
 */
export const pairedRatio = (ours: number[], reference: number[]): number => median(ours.map((value, round) => value / reference[round]!));
export const perSecond = (value: number) => `${value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0)} /s`;

/** A row whose goal is ratio ≥ minimum (or ≤ maximum). */
export function ratioRow(work: string, ours: string, reference: string, ratio: number, goal: { atLeast?: number; atMost?: number }): Row {
  const met = goal.atLeast !== undefined ? ratio >= goal.atLeast : ratio <= goal.atMost!;
  return { work, ours, reference, ratio, goal: goal.atLeast !== undefined ? `≥ ${goal.atLeast}` : `≤ ${goal.atMost}`, met };
}

export const skippedRow = (work: string, reason: string): Row => ({ work, ours: `skipped: ${reason}`, reference: '', ratio: undefined, goal: '', met: undefined });

export function printTable(rows: Row[], heading: string): void {
  const cells = rows.map((row) => [row.work, row.ours, row.reference, row.ratio === undefined ? '' : row.ratio.toFixed(2), row.goal, row.met === undefined ? '' : row.met ? 'yes' : 'NO']);
  const header = ['work', 'fedmeta', 'same-run reference', 'ratio', 'goal', 'met'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (cell: string[]) => `| ${cell.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\n${heading}\n`);
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const cell of cells) console.log(line(cell));
  console.log('');
}

export function writeJson(file: string, content: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  console.log(`results written to ${file}`);
}
