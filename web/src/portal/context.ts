import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from '../api.ts';

export interface PortalSession {
  /** undefined: not known yet; null: nobody signed in. */
  me: Me | null | undefined;
  /**
   * Resolves with the signed-in resident, asking them to sign in by phone code first if nobody is
   * (the portal asks only at the moment something is sent); null if they gave up.
   */
  signedIn(): Promise<Me | null>;
}

export const Session = createContext<PortalSession>({ me: undefined, signedIn: async () => null });
export const useSession = () => useContext(Session);
