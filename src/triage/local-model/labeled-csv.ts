import fs from 'node:fs';
import { parse } from 'csv-parse/sync';

/** Labelled examples from a CSV with `text` and `label` columns (others ignored; rows without both skipped). */
export function readLabeledCsv(file: string): Array<{ text: string; label: string }> {
  const rows = parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>;
  const examples = rows.filter((r) => r.text && r.label).map((r) => ({ text: r.text!, label: r.label!.trim() }));
  if (examples.length === 0) throw new Error(`${file}: no rows with text and label columns`);
  return examples;
}
