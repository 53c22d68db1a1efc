import { evaluate } from '../src/triage/local-model/evaluation';
import { readLabeledCsv } from '../src/triage/local-model/labeled-csv';
import { LocalTextClassifier } from '../src/triage/local-model/text-classifier';

/**
 * `npm run eval:classifier -- --train FILE.csv --test FILE.csv` (columns text,label; more are ignored):
 * trains the local model, then prints accuracy, macro-F1, per-class precision/recall/F1, the confusion
 * matrix, the training time and the time per ticket.
 */
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

function main(): void {
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

  const result = evaluate(test.map((e) => e.label), predicted);
  const pct = (v: number) => (v * 100).toFixed(1);
  console.log(`\nlocal model (char 1–3-gram TF-IDF + logistic regression): ${train.length} training, ${test.length} test examples`);
  console.log(`accuracy ${pct(result.accuracy)}%   macro-F1 ${result.macroF1.toFixed(3)}   training ${(trainMs / 1000).toFixed(1)} s   ${perTicketMs.toFixed(3)} ms per ticket\n`);
  console.table(Object.fromEntries(result.perClass.map((m) => [m.label, { precision: pct(m.precision), recall: pct(m.recall), f1: pct(m.f1), support: m.support }])));
  console.log('confusion (rows: true label, columns: predicted)');
  console.table(Object.fromEntries(result.labels.map((gold, g) => [gold, Object.fromEntries(result.labels.map((p, c) => [p.slice(0, 4), result.confusion[g]![c]]))])));
}

main();
