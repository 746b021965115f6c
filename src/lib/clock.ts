/** Time comes from a clock so that tests, the demo loader and sweeps can run "as of" any instant. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at) };
}
