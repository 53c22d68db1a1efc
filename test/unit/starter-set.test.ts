import fs from 'node:fs';
import path from 'node:path';
import { defaultTaxonomy } from '../../src/seed/default-taxonomy';
import { chooseCategory } from '../../src/triage/category-choice';
import { readLabeledCsv } from '../../src/triage/local-model/labeled-csv';
import { parseStarterSet, starterSet } from '../../src/triage/starter-set';

describe('the starter set', () => {
  test('when the hub starts, then every level-2 category of the default taxonomy has at least 6 sentences, and only those', () => {
    const counts = new Map<string, number>();
    for (const e of starterSet) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
    const levelTwo = defaultTaxonomy.flatMap((c) => c.children.map(([code]) => code));
    expect([...counts.keys()].sort()).toEqual([...levelTwo].sort());
    for (const code of levelTwo) expect([code, counts.get(code)! >= 6]).toEqual([code, true]);
    expect(starterSet.length).toBeGreaterThan(900);
    // Every request type and urgency is taught.
    expect(new Set(starterSet.map((e) => e.requestType)).size).toBe(7);
    expect(new Set(starterSet.map((e) => e.urgency))).toEqual(new Set(['normal', 'urgent', 'emergency']));
  });

  test('when a line is malformed, then parsing says which one', () => {
    expect(parseStarterSet('## 0101 规划\n投诉! 路灯坏了\n求助!! 着火了')).toEqual([
      { code: '0101', requestType: 'complaint', urgency: 'urgent', text: '路灯坏了' },
      { code: '0101', requestType: 'help', urgency: 'emergency', text: '着火了' },
    ]);
    expect(() => parseStarterSet('投诉 没有类别')).toThrow(/line 1/);
    expect(() => parseStarterSet('## 0101 规划\n抱怨 不是类型')).toThrow(/line 2/);
  });

  const data = path.resolve(__dirname, '../../../shared/data/teddy2020c');
  (fs.existsSync(path.join(data, 'train.csv')) ? test : test.skip)(
    'when compared with the shared data, then no sentence shares a run of 10 characters with it (written, not copied)',
    () => {
      const texts = ['train.csv', 'dev.csv'].flatMap((f) => readLabeledCsv(path.join(data, f)).map((e) => e.text));
      const runs = new Set<string>();
      for (const text of texts) for (let i = 0; i + 10 <= text.length; i += 1) runs.add(text.slice(i, i + 10));
      const copied = starterSet.filter((e) =>
        [...Array(Math.max(0, e.text.length - 9)).keys()].some((i) => runs.has(e.text.slice(i, i + 10))),
      );
      expect(copied).toEqual([]);
    },
  );
});

describe('choosing the level', () => {
  const parentOf = (code: string) => (code.length === 4 ? code.slice(0, 2) : undefined);

  test('when the model is sure of a level-2 category, then the suggestion names it', () => {
    expect(
      chooseCategory(
        [
          { label: '1201', probability: 0.7 },
          { label: '1202', probability: 0.2 },
          { label: '05', probability: 0.1 },
        ],
        parentOf,
        0.6,
      ),
    ).toEqual({ code: '1201', confidence: 0.7, parent: '12' });
  });

  test('when it is not, then the suggestion is the parent with its children’s probability added up', () => {
    const choice = chooseCategory(
      [
        { label: '1201', probability: 0.4 },
        { label: '0501', probability: 0.3 },
        { label: '1202', probability: 0.2 },
        { label: '12', probability: 0.1 },
      ],
      parentOf,
      0.6,
    );
    expect(choice).toEqual({ code: '12', confidence: expect.closeTo(0.7, 10), parent: '12' });
  });

  test('when the best is a level-1 category (an operator’s label), then it is the suggestion', () => {
    expect(
      chooseCategory(
        [
          { label: '05', probability: 0.9 },
          { label: '0501', probability: 0.1 },
        ],
        parentOf,
        0.6,
      ),
    ).toEqual({
      code: '05',
      confidence: 1,
      parent: '05',
    });
  });
});
