/**
 * The model ranks categories of both levels (the starter set teaches level-2 ones; an operator's
 * decision or imported data may be level-1). The suggestion is the best-ranked category's: its
 * level-2 category when the model is sure of it (as sure as the hub must be to fill a category in),
 * its level-1 parent otherwise, with the parent's probability (its own and its children's).
 */
export interface CategoryChoice {
  code: string;
  confidence: number;
  /** The level-1 category the choice is or belongs to. */
  parent: string;
}

export function chooseCategory(
  ranking: ReadonlyArray<{ label: string; probability: number }>,
  parentOf: (code: string) => string | undefined,
  sure: number,
): CategoryChoice {
  const top = ranking[0]!;
  const parent = parentOf(top.label) ?? top.label;
  if (parent !== top.label && top.probability >= sure) return { code: top.label, confidence: top.probability, parent };
  let confidence = 0;
  for (const { label, probability } of ranking) if ((parentOf(label) ?? label) === parent) confidence += probability;
  return { code: parent, confidence, parent };
}
