import { cellDay, cellText, type TableCell } from '../http/table-file';
import { normalizePhone } from '../shared/phone';

/**
 * The resident register as the police and health bureaus hand it over: a table (CSV or xlsx), one resident a
 * row, the first row naming the columns in Chinese or English. Each row is checked on its own (the ID number's
 * check digit, the place, the dates); what is refused comes back with its row number and why.
 */
export interface ResidentRow {
  idNumber: string;
  name: string;
  phone: string | null;
  birthDate: string;
  address: string | null;
  regionId: number;
  disabilityGrade: number | null;
  hardship: boolean;
  idExpiresOn: string | null;
  deceased: boolean;
}

const columnNames = {
  idNumber: ['身份证号', '公民身份号码', 'id_number', 'idNumber'],
  name: ['姓名', 'name'],
  phone: ['手机号', '联系电话', 'phone'],
  birthDate: ['出生日期', 'birth_date', 'birthDate'],
  address: ['住址', '居住地址', 'address'],
  region: ['所在地区', '村（社区）', '村社区', 'region'],
  disabilityGrade: ['残疾等级', 'disability_grade', 'disabilityGrade'],
  hardship: ['特困人员', '特困', 'hardship'],
  idExpiresOn: ['身份证有效期至', 'id_expires_on', 'idExpiresOn'],
  deceased: ['已故', 'deceased'],
} as const;
type Column = keyof typeof columnNames;
export const registerColumns = Object.values(columnNames).map((names) => names[0]);

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** The check character of an 18-character resident ID number (GB 11643-1999) from its first 17 digits. */
export function idCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i]!, 0);
  return '10X98765432'[sum % 11]!;
}

const yes = new Set(['是', '有', 'Y', 'YES', 'TRUE', '1']);
const no = new Set(['', '否', '无', 'N', 'NO', 'FALSE', '0']);
const grades: Record<string, number> = { 一级: 1, 二级: 2, 三级: 3, 四级: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

/** The rows as residents, or why each refused one cannot be. `regions` maps a place's code or name to its id (null: a name two places share). */
export function readResidents(
  rows: TableCell[][],
  regions: ReadonlyMap<string, number | null>,
): { residents: Array<{ row: number; resident: ResidentRow }>; refused: Array<{ row: number; reason: string }> } {
  const [header = [], ...body] = rows;
  const at = new Map<Column, number>();
  header.forEach((cell, i) => {
    const name = cellText(cell);
    for (const [column, aliases] of Object.entries(columnNames))
      if ((aliases as readonly string[]).includes(name)) at.set(column as Column, i);
  });
  if (!at.has('idNumber') || !at.has('name') || !at.has('region'))
    return {
      residents: [],
      refused: [
        {
          row: 1,
          reason: `第一行是列名，须有“身份证号”“姓名”和“所在地区”（可用列：${registerColumns.join('、')}）`,
        },
      ],
    };
  const residents: Array<{ row: number; resident: ResidentRow }> = [];
  const refused: Array<{ row: number; reason: string }> = [];
  const seen = new Map<string, number>();
  body.forEach((cells, i) => {
    const row = i + 2;
    const cell = (column: Column) => (at.has(column) ? cells[at.get(column)!] : undefined);
    const problems: string[] = [];
    const flag = (column: Column, label: string) => {
      const value = cellText(cell(column)).toUpperCase();
      if (cell(column) === true) return true;
      if (yes.has(value)) return true;
      if (!no.has(value) && cell(column) !== false) problems.push(`${label}「${value}」应为“是”或“否”`);
      return false;
    };

    const idNumber = cellText(cell('idNumber')).toUpperCase();
    const idValid = /^\d{17}[\dX]$/.test(idNumber) && idCheckCharacter(idNumber.slice(0, 17)) === idNumber[17];
    if (!idValid) problems.push('身份证号不是有效的 18 位居民身份证号码');
    else if (seen.has(idNumber)) problems.push(`身份证号与第 ${seen.get(idNumber)} 行重复`);
    const name = cellText(cell('name'));
    if (name.length < 1 || name.length > 50) problems.push('姓名须为 1–50 个字符');
    const rawPhone = cellText(cell('phone'));
    const phone = rawPhone ? (normalizePhone(rawPhone) ?? null) : null;
    if (rawPhone && !phone) problems.push(`手机号「${rawPhone}」不是电话号码`);
    const fromId = idValid ? `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}` : undefined;
    const birthDate = at.has('birthDate') && cellText(cell('birthDate')) !== '' ? cellDay(cell('birthDate')) : fromId;
    if (idValid && !birthDate) problems.push('出生日期不是有效日期（YYYY-MM-DD）');
    else if (birthDate && fromId && birthDate !== fromId) problems.push(`出生日期 ${birthDate} 与身份证号中的 ${fromId} 不符`);
    const place = cellText(cell('region'));
    const regionId = regions.get(place);
    if (!place) problems.push('所在地区不能为空');
    else if (regionId === undefined) problems.push(`所在地区「${place}」不存在`);
    else if (regionId === null) problems.push(`所在地区「${place}」有重名，请填写编码`);
    const gradeText = cellText(cell('disabilityGrade'));
    const disabilityGrade = gradeText === '' || gradeText === '无' ? null : (grades[gradeText] ?? undefined);
    if (disabilityGrade === undefined) problems.push(`残疾等级「${gradeText}」应为一级–四级`);
    const idExpiresOn = cellDay(cell('idExpiresOn'));
    if (idExpiresOn === undefined && cellText(cell('idExpiresOn')) !== '长期') problems.push('身份证有效期至不是有效日期（或“长期”）');
    const hardship = flag('hardship', '特困人员');
    const deceased = flag('deceased', '已故');
    const address = cellText(cell('address')).slice(0, 200) || null;

    if (problems.length > 0) {
      refused.push({ row, reason: problems.join('；') });
      return;
    }
    seen.set(idNumber, row);
    residents.push({
      row,
      resident: {
        idNumber,
        name,
        phone,
        birthDate: birthDate!,
        address,
        regionId: regionId!,
        disabilityGrade: disabilityGrade ?? null,
        hardship,
        idExpiresOn: idExpiresOn ?? null,
        deceased,
      },
    });
  });
  return { residents, refused };
}
