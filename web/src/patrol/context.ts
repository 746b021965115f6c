import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from '../api.ts';
import type { SendOutcome } from './sender.ts';
import type { QueueItem } from './store.ts';

/** What every screen of the signed-in patrol app shares. */
export interface PatrolState {
  me: Me;
  online: boolean;
  /** The worker's queue, oldest first. */
  items: QueueItem[];
  sending: boolean;
  lastOutcome: SendOutcome | null;
  /** Sends what waits now (the 发送 button; also after each new item). */
  sendNow(): Promise<void>;
  /** A short message at the top of the screen. */
  notify(text: string): void;
}

export const Patrol = createContext<PatrolState | null>(null);

export function usePatrol(): PatrolState {
  const state = useContext(Patrol);
  if (!state) throw new Error('outside the signed-in patrol app');
  return state;
}
