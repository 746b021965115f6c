import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me, restoreSession, setCsrfToken, whenSignedOut } from '../api.ts';
import { I18n, useLanguage } from '../i18n.ts';
import { linkTo, navigate, useLocation } from '../router.ts';
import { PhoneSignIn } from './components/PhoneSignIn.tsx';
import { Session, useSession } from './context.ts';
import { usePortalWords } from './messages.ts';
import { Home } from './screens/Home.tsx';
import { Mine } from './screens/Mine.tsx';
import { OpenData } from './screens/OpenData.tsx';
import { Report } from './screens/Report.tsx';
import { Track } from './screens/Track.tsx';

export const BASE = '/portal/';

/**
 * The portal's shell: a header with the places a resident goes (public cases, report, my reports, open data),
 * the language, and who is signed in; the sign-in dialog opens only when something is to be sent.
 */
export function Portal() {
  const { i18n, toggle } = useLanguage();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [asking, setAsking] = useState(false);
  const waiting = useRef<((me: Me | null) => void)[]>([]);

  useEffect(() => {
    whenSignedOut(() => setMe(null));
    restoreSession()
      .then((user) => setMe(user?.role === 'citizen' ? user : null))
      .catch(() => setMe(null));
  }, []);

  const finishSignIn = (user: Me | null) => {
    setAsking(false);
    if (user) setMe(user);
    for (const resolve of waiting.current.splice(0)) resolve(user);
  };

  const session = {
    me,
    signedIn: () =>
      me
        ? Promise.resolve(me)
        : new Promise<Me | null>((resolve) => {
            waiting.current.push(resolve);
            setAsking(true);
          }),
  };

  const signOut = async () => {
    try {
      await api('/auth/sign-out', { method: 'POST' });
    } catch {
      // Already ended: signed out here either way.
    }
    setCsrfToken(null);
    setMe(null);
    navigate(BASE);
  };

  return (
    <I18n.Provider value={i18n}>
      <Session.Provider value={session}>
        <Shell onLanguage={toggle} onSignOut={signOut} onSignIn={() => void session.signedIn()} />
        {asking && <PhoneSignIn onDone={finishSignIn} />}
      </Session.Provider>
    </I18n.Provider>
  );
}

function Shell({ onLanguage, onSignOut, onSignIn }: { onLanguage(): void; onSignOut(): void; onSignIn(): void }) {
  const { w } = usePortalWords();
  const url = useLocation();
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : '';
  const caseNumber = /^cases\/([0-9]{4}-[0-9]{1,10})$/.exec(path)?.[1];
  const page = caseNumber ? 'track' : path === 'report' || path === 'mine' || path === 'open-data' ? path : 'home';
  const main = useRef<HTMLElement>(null);
  const firstPage = useRef(true);

  // A new page: the reader's focus moves to its content, as a screen reader expects after a link (not on
  // the first page, where the skip link must come first).
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [path]);

  const { me } = useSession();
  return (
    <>
      <a class="skip-link" href="#main">
        {w('skipToContent')}
      </a>
      <header class="portal-header">
        <a class="portal-brand" {...linkTo(BASE)}>
          <span aria-hidden="true" class="portal-logo">
            12345
          </span>
          <span>{w('appName')}</span>
        </a>
        <nav aria-label={w('appName')} class="portal-nav">
          <a {...linkTo(BASE)} aria-current={page === 'home' ? 'page' : undefined} data-testid="nav-home">
            {w('navHome')}
          </a>
          <a
            {...linkTo(`${BASE}report`)}
            aria-current={page === 'report' ? 'page' : undefined}
            data-testid="nav-report"
          >
            {w('navReport')}
          </a>
          <a {...linkTo(`${BASE}mine`)} aria-current={page === 'mine' ? 'page' : undefined} data-testid="nav-mine">
            {w('navMine')}
          </a>
          <a
            {...linkTo(`${BASE}open-data`)}
            aria-current={page === 'open-data' ? 'page' : undefined}
            data-testid="nav-open-data"
          >
            {w('navOpenData')}
          </a>
        </nav>
        <div class="portal-tools">
          <button
            type="button"
            class="link-button"
            onClick={onLanguage}
            aria-label={w('languageLabel')}
            data-testid="language"
          >
            {w('language')}
          </button>
          {me ? (
            <button
              type="button"
              class="link-button"
              onClick={onSignOut}
              data-testid="sign-out"
              title={w('signedInAs', { name: me.displayName })}
            >
              {w('signOut')}
            </button>
          ) : (
            me === null && (
              <button type="button" class="link-button" onClick={onSignIn} data-testid="sign-in">
                {w('signIn')}
              </button>
            )
          )}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} class="portal-main">
        {page === 'home' && <Home />}
        {page === 'report' && <Report />}
        {page === 'mine' && <Mine />}
        {page === 'open-data' && <OpenData />}
        {page === 'track' && caseNumber && <Track caseNumber={caseNumber} />}
      </main>
    </>
  );
}
