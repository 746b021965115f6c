/**
 * The entry of the training process (training-process.ts). Plain JavaScript, like the embedded database's
 * worker: a forked process starts in bare Node, without the loader the command runs under (tsx) or the
 * test runner's transform, so it registers tsx before it loads the TypeScript that does the work.
 */
import { register } from 'tsx/esm/api';

register();
await import('./training-child.ts');
