/** A CSV field; a leading = + - @ would make a spreadsheet run the cell as a formula. */
function csvField(value: string | number): string {
  const text = typeof value === 'string' && /^[=+\-@]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV, UTF-8 with a BOM so spreadsheet programs read Chinese right. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `\uFEFF${rows.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
}
