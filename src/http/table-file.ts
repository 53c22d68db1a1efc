import type { Response } from 'express';
import type writeXlsxFile from 'write-excel-file/node' with { 'resolution-mode': 'import' };
import { toCsv } from '../shared/csv';

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
