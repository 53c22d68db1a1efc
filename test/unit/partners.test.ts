import { combinedChecklist } from '../../src/proxy/bundles';
import type { Matter } from '../../src/proxy/matters';
import { bandName, piecePay, tariffOn, tariffSchema, type Tariff } from '../../src/postal/tariff';

const tariff: Tariff = {
  id: 1,
  effectiveFrom: '2026-01-01',
  bands: [
    { upToKm: 5, priceFen: 1200 },
    { upToKm: 15, priceFen: 1500 },
    { upToKm: null, priceFen: 2000 },
  ],
  lateDeductionFen: 300,
  refusedDeductionFen: 600,
};

describe('the 政邮商 tariff', () => {
  test('a piece is priced by its distance band, a band’s upper bound included', () => {
    expect(piecePay({ distanceKm: 5, late: false, refused: false }, tariff)).toEqual({
      band: '5公里以内',
      priceFen: 1200,
      deductionFen: 0,
      reasons: [],
    });
    expect(piecePay({ distanceKm: 5.1, late: false, refused: false }, tariff).band).toBe('5–15公里');
    expect(piecePay({ distanceKm: 80, late: false, refused: false }, tariff)).toMatchObject({ band: '15公里以上', priceFen: 2000 });
  });

  test('late and refused deductions add up, never past the price', () => {
    expect(piecePay({ distanceKm: 3, late: true, refused: true }, tariff)).toMatchObject({
      deductionFen: 900,
      reasons: ['late', 'refused'],
    });
    expect(piecePay({ distanceKm: 3, late: true, refused: true }, { ...tariff, refusedDeductionFen: 5000 }).deductionFen).toBe(1200);
  });

  test('the tariff in force on a day is the latest that took effect by then', () => {
    const later = { ...tariff, id: 2, effectiveFrom: '2027-01-01' };
    expect(tariffOn([later, tariff], '2026-12-31')?.id).toBe(1);
    expect(tariffOn([later, tariff], '2027-01-01')?.id).toBe(2);
    expect(tariffOn([later, tariff], '2025-06-01')).toBeUndefined();
  });

  test('bands must ascend, and only the last is open', () => {
    const { id: _, ...input } = tariff;
    expect(tariffSchema.safeParse(input).success).toBe(true);
    expect(tariffSchema.safeParse({ ...input, bands: [...input.bands].reverse() }).success).toBe(false);
    expect(tariffSchema.safeParse({ ...input, bands: input.bands.slice(0, 2) }).success).toBe(false);
    expect(bandName([{ upToKm: null, priceFen: 1 }], 0)).toBe('不限距离');
  });
});

describe('一件事一次办’s combined checklist', () => {
  const matter = (name: string, materials: Matter['materials']): Matter =>
    ({
      id: 1,
      code: 'X',
      name,
      departmentId: null,
      legalDays: 1,
      materials,
      serviceModes: ['full_proxy'],
      deliveryOptions: ['window'],
      eligibility: null,
      tripsSaved: 1,
      active: true,
    }) as Matter;

  test('an item several matters need is asked once: the strictest form, the largest number, deferrable only if every matter lets it follow', () => {
    const list = combinedChecklist([
      matter('甲', [
        { key: 'id_card', name: '身份证', form: 'copy', count: 1, deferrable: true },
        { key: 'photo', name: '照片', form: 'either', count: 2, deferrable: true },
      ]),
      matter('乙', [
        { key: 'id_card', name: '身份证', form: 'original', count: 1, deferrable: true },
        { key: 'photo', name: '照片', form: 'copy', count: 1, deferrable: false },
      ]),
    ]);
    expect(list).toEqual([
      { key: 'id_card', name: '身份证', form: 'original', count: 1, deferrable: true, matters: ['甲', '乙'] },
      { key: 'photo', name: '照片', form: 'copy', count: 2, deferrable: false, matters: ['甲', '乙'] },
    ]);
  });
});
