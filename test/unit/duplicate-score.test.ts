import { duplicateThreshold, scoreDuplicate, wordsOf } from '../../src/duplicates/duplicate-score';
import { duplicateSet } from '../support/duplicate-set';

describe('duplicate detection', () => {
  test('on a labeled set of events told several ways and near misses, precision and recall are at least 0.9', () => {
    const set = duplicateSet().map((r) => ({ ...r, words: wordsOf(r.description) }));
    let [tp, fp, fn] = [0, 0, 0];
    const misses: string[] = [];
    for (let i = 0; i < set.length; i++)
      for (let j = i + 1; j < set.length; j++) {
        const [a, b] = [set[i]!, set[j]!];
        const { score, reasons } = scoreDuplicate(a, b);
        const predicted = score >= duplicateThreshold;
        const same = a.event === b.event;
        if (predicted && same) tp += 1;
        if (predicted && !same) fp += 1;
        if (!predicted && same) fn += 1;
        if (predicted !== same)
          misses.push(`${same ? 'missed' : 'false'} ${score} ${a.description} ↔ ${b.description} (${reasons.join('，')})`);
      }
    const [precision, recall] = [tp / (tp + fp), tp / (tp + fn)];
    console.log(
      `duplicates on ${set.length} requests (${tp + fn} duplicate pairs): precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n${misses.join('\n')}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  test('the score says why', () => {
    const [a, b] = duplicateSet();
    expect(scoreDuplicate(a!, b!).reasons).toEqual(
      expect.arrayContaining(['同一分类', expect.stringMatching(/^内容相似 0\.\d\d$/), '相隔 2 小时']),
    );
  });
});
