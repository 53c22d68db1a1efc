import { z } from 'zod';
import { daySchema } from '../http/validate';

/**
 * 政府买单: what a courier's piece is paid. The tariff is data (the report cites 12 to 20 元 a piece by quantity,
 * quality and distance): a price per distance band, less a deduction for a late delivery and one for a refused one
 * (never below nothing). Amounts are in fen.
 */

export const tariffSchema = z
  .strictObject({
    effectiveFrom: daySchema,
    bands: z
      .array(z.strictObject({ upToKm: z.number().positive().max(1000).nullable(), priceFen: z.number().int().min(0).max(100_000) }))
      .min(1)
      .max(10),
    lateDeductionFen: z.number().int().min(0).max(100_000),
    refusedDeductionFen: z.number().int().min(0).max(100_000),
  })
  .refine(
    (t) =>
      t.bands.every((b, i) =>
        i === t.bands.length - 1 ? b.upToKm === null : b.upToKm !== null && (i === 0 || b.upToKm > t.bands[i - 1]!.upToKm!),
      ),
    { message: '距离档按 upToKm 递增，只有最后一档不设上限（upToKm 为 null）', path: ['bands'] },
  );
export type TariffInput = z.infer<typeof tariffSchema>;
export interface Tariff extends TariffInput {
  id: number;
}

export interface PieceFacts {
  distanceKm: number;
  late: boolean;
  refused: boolean;
}

export interface PiecePay {
  band: string;
  priceFen: number;
  deductionFen: number;
  reasons: Array<'late' | 'refused'>;
}

/** How a band reads: 5公里以内, 5–15公里, 15公里以上. */
export function bandName(bands: Tariff['bands'], index: number): string {
  const band = bands[index]!;
  const from = index === 0 ? null : bands[index - 1]!.upToKm;
  if (band.upToKm === null) return from === null ? '不限距离' : `${from}公里以上`;
  return from === null ? `${band.upToKm}公里以内` : `${from}–${band.upToKm}公里`;
}

/** The piece's price by its distance band, and its deductions. */
export function piecePay(piece: PieceFacts, tariff: Tariff): PiecePay {
  const index = tariff.bands.findIndex((b) => b.upToKm === null || piece.distanceKm <= b.upToKm);
  const priceFen = tariff.bands[index]!.priceFen;
  const reasons: PiecePay['reasons'] = [];
  let deductionFen = 0;
  if (piece.late) {
    reasons.push('late');
    deductionFen += tariff.lateDeductionFen;
  }
  if (piece.refused) {
    reasons.push('refused');
    deductionFen += tariff.refusedDeductionFen;
  }
  return { band: bandName(tariff.bands, index), priceFen, deductionFen: Math.min(deductionFen, priceFen), reasons };
}

/** The tariff in force on a day: the latest that took effect on or before it. */
export function tariffOn(tariffs: readonly Tariff[], day: string): Tariff | undefined {
  return tariffs
    .filter((t) => t.effectiveFrom <= day)
    .reduce<Tariff | undefined>((a, t) => (!a || t.effectiveFrom > a.effectiveFrom ? t : a), undefined);
}

/** 12.5 元 from 1250 fen. */
export const yuan = (fen: number): number => Math.round(fen) / 100;
