import { defaultTaxonomy } from '../src/seed/default-taxonomy';
import { chooseCategory } from '../src/triage/category-choice';
import { evaluate } from '../src/triage/local-model/evaluation';
import { TriageModel } from '../src/triage/triage-model';
import { starterCategoryExamples } from '../src/triage/starter-set';

/** The hub's level-1 categories that the teddy2020c labels include (the others are themselves, or no data label). */
const partOfDataLabel: Record<string, string> = {
  市场监管: '商贸旅游',
  水电气暖: '城乡建设',
  城市管理: '城乡建设',
  住房公积金: '城乡建设',
  应急管理: '城乡建设',
  医保: '劳动和社会保障',
};

/**
 * The model a fresh hub starts with (the starter set alone, over the whole default taxonomy), scored on
 * data labelled at level 1 with teddy2020c's labels: each suggestion's level-1 category counted as the
 * data label it is part of. `sure` is the hub's auto-apply confidence, above which it names level 2.
 */
export function scoreStarterModel(
  test: ReadonlyArray<{ text: string; label: string }>,
  sure: number,
  model: TriageModel = TriageModel.train(starterCategoryExamples()),
): { result: ReturnType<typeof evaluate>; namedAtLevelTwo: number } {
  const names = new Map(defaultTaxonomy.map((c) => [c.code, c.name]));
  const parents = new Map(defaultTaxonomy.flatMap((c) => c.children.map(([code]) => [code, c.code] as const)));
  let namedAtLevelTwo = 0;
  const predicted = test.map((e) => {
    const choice = chooseCategory(model.classify(e.text).ranking, (code) => parents.get(code), sure);
    if (choice.code !== choice.parent) namedAtLevelTwo += 1;
    const name = names.get(choice.parent)!;
    return partOfDataLabel[name] ?? name;
  });
  return {
    result: evaluate(
      test.map((e) => e.label),
      predicted,
    ),
    namedAtLevelTwo,
  };
}
