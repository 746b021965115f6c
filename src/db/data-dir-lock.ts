import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded database is one process's alone: PGlite keeps its state in memory and writes it to the
 * data directory, so a second process opening the same directory would work on a stale copy and the
 * two would overwrite each other. A pid file makes the second process stop with a clear message instead.
 * (Hand-written: lock-file libraries lock by mtime polling, which is more than a single pid check needs.)
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'civicgrid.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => {
        if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      // An empty file is a process that is creating its lock this very moment: it holds the directory.
      if (!holder || (holder !== process.pid && isRunning(holder))) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by another CivicGrid process (pid ${holder || 'starting'}). ` +
            'Stop it first, or run this against PostgreSQL (DATABASE_URL) so several processes can share it.',
        );
      }
      fs.rmSync(lockPath, { force: true }); // left behind by a process that is gone
    }
  }
  throw new Error(`Could not lock ${lockPath}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
