import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Me, restoreSession, setCsrfToken, whenSignedOut } from './api.ts';
import { I18n, useLanguage } from './i18n.ts';
import { SignIn } from './pages/SignIn.tsx';
import { loadReferenceData, onReferenceChanged, Reference, type ReferenceData } from './reference-data.ts';
import { linkTo, navigate, useLocation } from './router.ts';
import { mayOpen, PUBLIC_ROUTES, ROUTES } from './routes.tsx';
import './styles.css';
import type { Answer } from './api-shapes.ts';

function App() {
  const { i18n, toggle: toggleLanguage } = useLanguage();
  const [me, setMe] = useState<Me | null>(null);
  const [reference, setReference] = useState<ReferenceData | null>(null);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const url = useLocation();
  // On a phone the top bar folds its links into a menu; opening a page folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [url.pathname, url.search, me]);

  useEffect(() => {
    // Any 401 (the session ended, expired, or was signed out elsewhere) brings back the sign-in page.
    whenSignedOut(() => setMe(null));
    restoreSession()
      .then(setMe)
      .catch(() => setMe(null))
      .finally(() => setChecked(true));
  }, []);

  useEffect(() => {
    if (me && !reference) void loadReferenceData().then(setReference);
  }, [me, reference]);
  useEffect(() => onReferenceChanged(() => void loadReferenceData().then(setReference)), []);

  const signOut = async (everywhere: boolean) => {
    try {
      const ended = await api<Answer<'/auth/sign-out-everywhere', 'post'> | null>(
        everywhere ? '/auth/sign-out-everywhere' : '/auth/sign-out',
        { method: 'POST' },
      );
      setNotice(
        everywhere
          ? i18n
              .t('signedOutEverywhere')
              .replace('{n}', String(ended?.sessionsEnded ?? 0))
              .replace('{tokens}', String(ended?.tokensRevoked ?? 0))
          : null,
      );
    } catch {
      // The session may have ended already: signed out either way.
    }
    setCsrfToken(null);
    setMe(null);
    navigate('/');
  };

  const signedIn = (user: Me) => {
    setNotice(null);
    setMe(user);
  };

  const publicRoute = PUBLIC_ROUTES.map((r) => ({ r, match: url.pathname.match(r.pattern) })).find((x) => x.match);
  const route = ROUTES.map((r) => ({ r, match: url.pathname.match(r.pattern) })).find((x) => x.match);
  let page = <p>{i18n.t('loading')}</p>;
  if (publicRoute) page = publicRoute.r.render(publicRoute.match!, { me, query: url.searchParams });
  else if (checked && !me) page = <SignIn onSignedIn={signedIn} />;
  else if (me && reference) {
    if (!route) page = <p class="error">404</p>;
    else if (!mayOpen(route.r, me)) page = <p class="error">{i18n.t('notForYourRole')}</p>;
    else page = route.r.render(route.match!, { me, query: url.searchParams });
  }

  return (
    <I18n.Provider value={i18n}>
      <Reference.Provider value={reference}>
        <header class={`top-bar${me ? ' foldable' : ''}${menuOpen ? ' open' : ''}`}>
          <a class="brand" {...linkTo('/cases')}>
            {i18n.t('appName')}
          </a>
          {me && (
            <button
              type="button"
              class="menu-button"
              data-testid="menu"
              aria-controls="top-menu"
              aria-expanded={menuOpen}
              onClick={() => setMenuOpen(!menuOpen)}
            >
              {i18n.t(menuOpen ? 'closeMenu' : 'menu')}
            </button>
          )}
          <div class="top-menu" id="top-menu">
            {me && (
              <nav>
                {ROUTES.filter((r) => r.nav && mayOpen(r, me)).map((r) => (
                  <a
                    key={r.nav!.path}
                    {...linkTo(r.nav!.path)}
                    class={url.pathname === r.nav!.path ? 'current' : ''}
                    data-testid={`nav-${r.nav!.label}`}
                  >
                    {i18n.t(r.nav!.label)}
                  </a>
                ))}
                <a {...linkTo('/public')} class={url.pathname === '/public' ? 'current' : ''} data-testid="nav-public">
                  {i18n.t('publicCases')}
                </a>
                {me.role === 'grid_worker' && (
                  // The phone app for patrols (a separate entry of the build, usable without signal).
                  <a href="/patrol/" data-testid="nav-patrol">
                    {i18n.t('patrolApp')}
                  </a>
                )}
                <a href="/docs" target="_blank" rel="noreferrer">
                  {i18n.t('apiDocs')}
                </a>
              </nav>
            )}
            <div class="spacer" />
            <button type="button" class="link" data-testid="language" onClick={toggleLanguage}>
              {i18n.t('language')}
            </button>
            {me && (
              <span class="who" data-testid="signed-in-as">
                {me.displayName} · {i18n.term(me.role)}
              </span>
            )}
            {me && (
              <button type="button" class="link" data-testid="sign-out" onClick={() => signOut(false)}>
                {i18n.t('signOut')}
              </button>
            )}
            {me && (
              <button
                type="button"
                class="link"
                data-testid="sign-out-everywhere"
                title={i18n.t('signOutEverywhereHint')}
                onClick={() => signOut(true)}
              >
                {i18n.t('signOutEverywhere')}
              </button>
            )}
            {!me && checked && publicRoute && (
              <a {...linkTo('/')} data-testid="go-sign-in">
                {i18n.t('signIn')}
              </a>
            )}
          </div>
        </header>
        <main>
          {notice && !me && (
            <p class="notice" data-testid="signed-out-notice">
              {notice}
            </p>
          )}
          {page}
        </main>
      </Reference.Provider>
    </I18n.Provider>
  );
}

render(<App />, document.getElementById('app')!);
