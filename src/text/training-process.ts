import { fork } from 'node:child_process';
import type { Db } from '../db/database.ts';
import { readCityWords } from './city-words.ts';
import {
  checkEnoughHistory,
  type FittedModel,
  NotEnoughHistoryError,
  storeModel,
  type TrainedModel,
  type TrainingSet,
  trainingSet,
} from './models.ts';
import type { ModelTarget } from './text.tables.ts';
import type { UserWord } from './tokenizer.ts';

/** What the parent sends the training process: the city's words, then one job per target. */
export interface TrainingJobs {
  words: UserWord[];
  folds: number;
  jobs: { target: ModelTarget; set: Pick<TrainingSet, 'examples' | 'classNames' | 'snapshot'> }[];
}

/** What the training process sends back, in the order of the jobs. */
export type TrainingReply =
  | { step: string }
  | { target: ModelTarget; fitted: FittedModel }
  | { target: ModelTarget; error: string };

export type TrainingOutcome = { target: ModelTarget; model: TrainedModel } | { target: ModelTarget; skipped: string };

const CHILD = new URL('./training-child-bootstrap.js', import.meta.url);

/**
 * Trains targets as `trainModel` does, but fits them in a child process: fitting is seconds to minutes of
 * CPU and hundreds of megabytes, which in a server would stall every request on its event loop and leave
 * its heap grown for good. The database is read and written here (the child has none: the embedded
 * database admits one process), the child gets the training sets and the city's words and returns the
 * weights. A target with too little history is skipped, as `civicgrid model train` skips it. Aborting
 * `signal` ends the child.
 */
export async function trainInChildProcess(
  db: Db,
  targets: readonly ModelTarget[],
  options: { trainedBy: string; folds: number; signal?: AbortSignal; onStep?: (step: string) => void },
): Promise<TrainingOutcome[]> {
  const outcomes: TrainingOutcome[] = [];
  const sets = new Map<ModelTarget, TrainingSet>();
  for (const target of targets) {
    const set = await trainingSet(db, target);
    try {
      checkEnoughHistory(target, set);
      sets.set(target, set);
    } catch (error) {
      if (!(error instanceof NotEnoughHistoryError)) throw error;
      outcomes.push({ target, skipped: error.message });
    }
  }
  if (sets.size === 0) return outcomes;
  const jobs: TrainingJobs = {
    words: await readCityWords(db),
    folds: options.folds,
    jobs: [...sets].map(([target, set]) => ({
      target,
      set: { examples: set.examples, classNames: set.classNames, snapshot: set.snapshot },
    })),
  };
  const fitted = await fitInChild(jobs, options.signal, options.onStep);
  for (const [target, set] of sets) {
    const result = fitted.get(target);
    if (!result) throw new Error(`the training process returned no model for ${target}`);
    outcomes.push({ target, model: await storeModel(db, target, set, result, { trainedBy: options.trainedBy }) });
  }
  return outcomes;
}

function fitInChild(
  jobs: TrainingJobs,
  signal: AbortSignal | undefined,
  onStep: ((step: string) => void) | undefined,
): Promise<Map<ModelTarget, FittedModel>> {
  return new Promise((resolve, reject) => {
    // Its own arguments, not the parent's (a test runner's or a debugger's): a plain Node process.
    const child = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], signal });
    const fitted = new Map<ModelTarget, FittedModel>();
    let failure: Error | undefined;
    child.on('message', (reply: TrainingReply) => {
      if ('step' in reply) onStep?.(reply.step);
      else if ('fitted' in reply) fitted.set(reply.target, reply.fitted);
      else failure ??= new Error(`training ${reply.target} failed: ${reply.error}`);
    });
    child.on('error', (error) => (failure ??= error));
    child.on('exit', (code, exitSignal) => {
      if (failure) reject(failure);
      else if (code !== 0) reject(new Error(`the training process ended with ${exitSignal ?? `exit ${code}`}`));
      else resolve(fitted);
    });
    child.send(jobs);
  });
}
