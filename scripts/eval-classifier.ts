import { OpenAiClassifier } from '../adapters/openai/openai-classifier';
import { loadConfig } from '../src/config/config';
import { llmAnswerSchema } from '../src/triage/llm';
import { redactPii } from '../src/shared/pii';
import { evaluate } from '../src/triage/local-model/evaluation';
import { readLabeledCsv } from '../src/triage/local-model/labeled-csv';
import { LocalTextClassifier } from '../src/triage/local-model/text-classifier';
import path from 'node:path';
import { starterCategoryExamples } from '../src/triage/starter-set';
import { TriageModel } from '../src/triage/triage-model';
import { scoreStarterModel } from './starter-score';

/**
 * `npm run eval:classifier -- --train FILE.csv --test FILE.csv` (columns text,label; more are ignored):
 * trains the local model, then prints accuracy, macro-F1, per-class precision/recall/F1, the confusion
 * matrix, the training time and the time per ticket.
 *
 * `npm run eval:classifier -- --starter [--test FILE.csv]`: the model a fresh hub starts with, trained on
 * the starter set alone, predicting over the whole default taxonomy, scored on the shared teddy2020c data
 * (train.csv and dev.csv, neither trained on) with the hub's categories that are parts of a data label
 * counted as that label.
 */
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

function printScore(title: string, result: ReturnType<typeof evaluate>): void {
  const pct = (v: number) => (v * 100).toFixed(1);
  console.log(`\n${title}: accuracy ${pct(result.accuracy)}%   macro-F1 ${result.macroF1.toFixed(3)}`);
  console.table(
    Object.fromEntries(
      result.perClass.map((m) => [m.label, { precision: pct(m.precision), recall: pct(m.recall), f1: pct(m.f1), support: m.support }]),
    ),
  );
}

function evalStarter(): void {
  const files = option('test')
    ? [option('test')!]
    : ['train.csv', 'dev.csv'].map((f) => path.resolve(__dirname, '../../../shared/data/teddy2020c', f));
  const t0 = process.hrtime.bigint();
  const starter = starterCategoryExamples();
  const model = TriageModel.train(starter);
  console.log(
    `starter model: ${starter.length} sentences over ${model.labels.length} categories, trained in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`,
  );
  for (const file of files) {
    const test = readLabeledCsv(file);
    const { result, namedAtLevelTwo } = scoreStarterModel(test, loadConfig().classifierAutoApplyConfidence, model);
    printScore(`${file} (${test.length} messages; ${namedAtLevelTwo} named at level 2)`, result);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--starter')) return evalStarter();
  const trainFile = option('train');
  const testFile = option('test');
  if (!trainFile || !testFile) throw new Error('usage: npm run eval:classifier -- --train TRAIN.csv --test TEST.csv [--epochs N]');
  const train = readLabeledCsv(trainFile);
  const test = readLabeledCsv(testFile);
  const epochs = option('epochs') ? Number(option('epochs')) : undefined;

  const t0 = process.hrtime.bigint();
  const classifier = LocalTextClassifier.train(train, { epochs });
  const trainMs = Number(process.hrtime.bigint() - t0) / 1e6;

  classifier.classify(test[0]!.text); // warm-up
  const t1 = process.hrtime.bigint();
  const predicted = test.map((e) => classifier.classify(e.text).label);
  const perTicketMs = Number(process.hrtime.bigint() - t1) / 1e6 / test.length;

  const result = evaluate(
    test.map((e) => e.label),
    predicted,
  );
  const pct = (v: number) => (v * 100).toFixed(1);
  console.log(`\nlocal model (char 1–3-gram TF-IDF + logistic regression): ${train.length} training, ${test.length} test examples`);
  console.log(`training ${(trainMs / 1000).toFixed(1)} s   ${perTicketMs.toFixed(3)} ms per ticket`);
  printScore('local model', result);
  console.log('confusion (rows: true label, columns: predicted)');
  console.table(
    Object.fromEntries(
      result.labels.map((gold, g) => [gold, Object.fromEntries(result.labels.map((p, c) => [p.slice(0, 4), result.confusion[g]![c]]))]),
    ),
  );

  // With an LLM configured (OPENAI_API_KEY …): the hybrid policy as triage runs it, on the same test set.
  const llm = loadConfig().llm;
  if (!llm) return;
  const autoApply = loadConfig().classifierAutoApplyConfidence;
  const client = new OpenAiClassifier({
    baseUrl: llm.baseUrl,
    apiKey: llm.apiKey,
    model: llm.model,
    timeoutMs: llm.timeoutMs,
    maxRetries: llm.maxRetries,
  });
  const labels = classifier.labels as [string, ...string[]];
  const schema = llmAnswerSchema(labels);
  let calls = 0;
  let tokens = 0;
  let failures = 0;
  const hybrid: string[] = [];
  for (const example of test) {
    const local = classifier.classify(example.text);
    if (local.confidence >= llm.belowConfidence) {
      hybrid.push(local.label);
      continue;
    }
    calls += 1;
    try {
      const answer = await client.classify({
        text: llm.redactPii ? redactPii(example.text) : example.text,
        taxonomy: labels.map((l) => ({ code: l, name: l, description: '' })),
        examples: [],
      });
      tokens += answer.usage.promptTokens + answer.usage.completionTokens;
      const parsed = schema.safeParse(answer.json);
      hybrid.push(
        parsed.success && parsed.data.confidence >= autoApply && local.confidence < autoApply ? parsed.data.category : local.label,
      );
      if (!parsed.success) failures += 1;
    } catch {
      failures += 1;
      hybrid.push(local.label);
    }
  }
  const withLlm = evaluate(
    test.map((e) => e.label),
    hybrid,
  );
  console.log(
    `\nhybrid (local, then ${llm.model} below ${llm.belowConfidence}): accuracy ${pct(withLlm.accuracy)}%   macro-F1 ${withLlm.macroF1.toFixed(3)}`,
  );
  console.log(
    `LLM calls ${calls}/${test.length} (${pct(calls / test.length)}%), failures ${failures}, tokens ${tokens} (${calls ? Math.round(tokens / calls) : 0} per call)`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
