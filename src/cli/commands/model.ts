import type { Command } from 'commander';
import {
  evaluateExamples,
  type LabelledText,
  listModels,
  MODEL_TARGETS,
  type ModelMetrics,
  type ModelTarget,
  NotEnoughHistoryError,
  readMessageFile,
  trainingSet,
  trainModel,
} from '../../text/index.ts';
import { openConfiguredDatabase } from '../runtime.ts';

function targetsOf(option: string): ModelTarget[] {
  if (option === 'all') return [...MODEL_TARGETS];
  const targets = option.split(',').map((t) => t.trim());
  const unknown = targets.filter((t) => !(MODEL_TARGETS as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`unknown --target ${unknown.join(', ')}: use all or ${MODEL_TARGETS.join(', ')}`);
  return targets as ModelTarget[];
}

function foldsOf(option: string): number {
  const folds = Number(option);
  if (!Number.isInteger(folds) || folds < 2 || folds > 10) throw new Error(`--folds must be 2–10, got "${option}"`);
  return folds;
}

const pct = (v: number) => v.toFixed(3);

function printMetrics(label: string, m: ModelMetrics): void {
  console.log(
    `${label}: ${m.examples} examples, ${m.classes} classes, ${m.folds}-fold: macro-F1 ${pct(m.macroF1)} ` +
      `(Naive Bayes ${pct(m.baselineMacroF1)}), accuracy ${pct(m.accuracy)}, top-3 ${pct(m.top3Accuracy)}, ` +
      `calibration error ${pct(m.calibrationError)}`,
  );
}

export function modelCommand(program: Command) {
  const model = program
    .command('model')
    .description("Classifiers that suggest a new case's category and handling body, learned from the city's cases");

  model
    .command('train')
    .description("Cross-validate, then train and store the next version of each target's model")
    .option('--target <targets>', `all, or some of ${MODEL_TARGETS.join(', ')} (comma-separated)`, 'all')
    .option('--folds <n>', 'cross-validation folds for the stored metrics', '5')
    .action(async (options: { target: string; folds: string }) => {
      const targets = targetsOf(options.target);
      const folds = foldsOf(options.folds);
      const handle = await openConfiguredDatabase();
      try {
        for (const target of targets) {
          try {
            const trained = await trainModel(handle.db, target, {
              trainedBy: 'cli',
              folds,
              onStep: (step) => process.stderr.write(`${step}…\n`),
            });
            printMetrics(`${target} v${trained.version} (snapshot ${trained.snapshotId})`, trained.metrics);
          } catch (error) {
            if (!(error instanceof NotEnoughHistoryError)) throw error;
            console.log(`${target}: not trained. ${error.message}`);
          }
        }
      } finally {
        await handle.close();
      }
    });

  model
    .command('evaluate')
    .description('Cross-validate without storing anything: on the database, or on a labelled message export')
    .option('--target <targets>', `all, or some of ${MODEL_TARGETS.join(', ')}`, 'all')
    .option('--folds <n>', 'number of folds (stratified)', '5')
    .option('--file <csv>', 'a labelled export (留言主题, 留言详情, 一级分类) instead of the database')
    .action(async (options: { target: string; folds: string; file?: string }) => {
      const folds = foldsOf(options.folds);
      if (options.file) {
        const examples: LabelledText[] = readMessageFile(options.file).flatMap((m) =>
          m.label ? [{ title: m.title, body: m.detail, label: m.label }] : [],
        );
        if (examples.length === 0) throw new Error(`${options.file} has no labelled messages (column 一级分类)`);
        printMetrics(options.file, evaluateExamples(examples, [], folds));
        return;
      }
      const handle = await openConfiguredDatabase();
      try {
        for (const target of targetsOf(options.target)) {
          const set = await trainingSet(handle.db, target);
          if (new Set(set.examples.filter((e) => !e.trainOnly).map((e) => e.label)).size < 2) {
            console.log(`${target}: too little history to evaluate (fewer than two classes with cases)`);
            continue;
          }
          printMetrics(target, evaluateExamples(set.examples, set.classNames, folds));
        }
      } finally {
        await handle.close();
      }
    });

  model
    .command('list')
    .description('The stored models, newest first per target')
    .action(async () => {
      const handle = await openConfiguredDatabase();
      try {
        const models = await listModels(handle.db);
        if (!models.length) console.log('No models yet: run `civicgrid model train`.');
        for (const m of models) {
          printMetrics(
            `${m.target} v${m.version}, ${m.trainedAt.toISOString()} by ${m.trainedBy}, snapshot ${m.snapshotId}`,
            m.metrics,
          );
        }
      } finally {
        await handle.close();
      }
    });
}
