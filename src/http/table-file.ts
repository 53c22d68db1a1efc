import { parse } from 'csv-parse/sync';
import type { Response } from 'express';
import type readXlsxFile from 'read-excel-file/node' with { 'resolution-mode': 'import' };
import type writeXlsxFile from 'write-excel-file/node' with { 'resolution-mode': 'import' };
import { toCsv } from '../shared/csv';
import { invalid } from '../shared/errors';

/** How a report or a list downloads: CSV (UTF-8 with a BOM) or an Excel workbook. */
export const tableFormats = ['csv', 'xlsx'] as const;
export type TableFormat = (typeof tableFormats)[number];

type Cell = string | number | null | undefined;

/**
 * write-excel-file ships CommonJS beside its ES module; its types are the module's. Required (not
 * imported) so that it loads the same way in the hub and under Jest, when a workbook is first asked for.
 */
let writer: typeof writeXlsxFile | undefined;
function loadWriter() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  writer ??= (require('write-excel-file/node') as { default: NonNullable<typeof writer> }).default;
  return writer;
}

/**
 * Sends a table (its first row the header) as a file named `name` + the format's extension. The
 * workbook has one sheet, the header bold and frozen; numbers stay numbers, so a spreadsheet sums them.
 */
export async function sendTable(
  res: Response,
  table: { name: string; sheet: string; rows: ReadonlyArray<ReadonlyArray<Cell>> },
  format: TableFormat,
): Promise<void> {
  if (format === 'csv') {
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .attachment(`${table.name}.csv`)
      .send(toCsv(table.rows.map((row) => row.map((cell) => cell ?? ''))));
    return;
  }
  const [header = [], ...body] = table.rows;
  const data = [
    header.map((value) => ({ value: String(value ?? ''), fontWeight: 'bold' as const })),
    ...body.map((row) => row.map((value) => (value === null || value === undefined || value === '' ? null : { value }))),
  ];
  const buffer = await loadWriter()(data, { sheet: table.sheet.slice(0, 31), stickyRowsCount: 1 }).toBuffer();
  res.status(200).type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${table.name}.xlsx`).send(buffer);
}

/** A cell of a table read in: text from CSV; from a workbook also numbers, booleans and dates. */
export type TableCell = string | number | boolean | Date | null;

let reader: typeof readXlsxFile | undefined;
/** read-excel-file ships CommonJS beside its ES module (as write-excel-file does): required when first needed. */
function loadReader(): typeof readXlsxFile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  reader ??= (require('read-excel-file/node') as { default: typeof readXlsxFile }).default;
  return reader;
}

/**
 * An uploaded table's rows (its first sheet): an xlsx (a zip: "PK") or CSV text (UTF-8, a BOM allowed). A file that is
 * neither, or has more than maxRows rows under its header, is a 400.
 */
export async function readTable(bytes: Buffer, maxRows: number): Promise<TableCell[][]> {
  let rows: TableCell[][];
  try {
    if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
      const [sheet] = (await loadReader()(bytes)) as unknown as Array<{ data: TableCell[][] }>;
      rows = sheet?.data ?? [];
    } else {
      rows = parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true }) as string[][];
    }
  } catch {
    throw invalid('不是 CSV（UTF-8）或 Excel（xlsx）文件');
  }
  if (rows.length > maxRows + 1) throw invalid(`每个文件最多 ${maxRows.toLocaleString('zh-CN')} 行，请拆分`);
  return rows;
}

/** A cell as trimmed text ('' for none, and for a date: read it with cellDay). */
export const cellText = (cell: TableCell | undefined) =>
  cell === null || cell === undefined ? '' : cell instanceof Date ? '' : String(cell).trim();

/** A date cell as YYYY-MM-DD: a spreadsheet's date, or text such as 2026-01-01 or 2026/1/1; null when empty, undefined when not a date. */
export function cellDay(cell: TableCell | undefined): string | null | undefined {
  if (cell === null || cell === undefined || cellText(cell) === '') return cell instanceof Date ? cell.toISOString().slice(0, 10) : null;
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(cellText(cell));
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${match[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
