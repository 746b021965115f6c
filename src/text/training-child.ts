/**
 * The training process: receives the city's words and the training sets (TrainingJobs), fits each target
 * and sends back its metrics and weights, then ends. No database, no network: only CPU and memory, which
 * are given back when it ends.
 */
import { fitModel } from './models.ts';
import { addUserWords } from './tokenizer.ts';
import type { TrainingJobs, TrainingReply } from './training-process.ts';

const send = (reply: TrainingReply) =>
  new Promise<void>((resolve, reject) => process.send?.(reply, undefined, {}, (e) => (e ? reject(e) : resolve())));

process.once('message', async (message: TrainingJobs) => {
  addUserWords(message.words);
  for (const { target, set } of message.jobs) {
    try {
      const fitted = fitModel(target, set, message.folds, (step) => void send({ step }));
      await send({ target, fitted });
    } catch (error) {
      await send({ target, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  process.disconnect();
});
