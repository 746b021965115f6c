import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me, restoreSession, setCsrfToken, whenSignedOut } from '../api.ts';
import { I18n, useLanguage } from '../i18n.ts';
import { linkTo, navigate, useLocation } from '../router.ts';
import { Icon } from './components/Icon.tsx';
import { Patrol, type PatrolState } from './context.ts';
import { keepForOffline } from './data.ts';
import { useWords } from './messages.ts';
import { MyGrid } from './screens/MyGrid.tsx';
import { Outbox } from './screens/Outbox.tsx';
import { PatrolScreen } from './screens/PatrolScreen.tsx';
import { Report } from './screens/Report.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { Verify } from './screens/Verify.tsx';
import { type SendOutcome, sendQueue, watchQueue } from './sender.ts';
import { clearAnswers, type QueueItem, queueItems, rememberedUser, rememberUser } from './store.ts';
import { pauseRecording, resumePatrol } from './track.ts';

/** How often the sender looks at the queue while the app is open. */
const SEND_EVERY_MS = 15_000;

export function PatrolApp() {
  const { language, i18n, toggle } = useLanguage();
  /** undefined: not known yet; null: signed out. */
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  useEffect(() => {
    whenSignedOut(() => setMe(null));
    restoreSession()
      .then((user) => {
        setMe(user);
        if (!user) void rememberUser(null);
      })
      // Offline: the worker who was signed in last, with what the phone kept. Their queue waits until the
      // server can be reached; if the session has ended by then, they sign in again.
      .catch(async () => setMe(await rememberedUser()));
  }, []);

  const signedIn = async (user: Me) => {
    const before = await rememberedUser();
    // Another worker on this phone must not see what the last one kept.
    if (before && before.userId !== user.userId) await clearAnswers();
    await rememberUser(user);
    setMe(user);
  };

  const signOut = async () => {
    try {
      await api('/auth/sign-out', { method: 'POST' });
    } catch {
      // Offline, or already ended: signed out on this phone either way.
    }
    pauseRecording();
    setCsrfToken(null);
    await rememberUser(null);
    await clearAnswers();
    setMe(null);
    navigate('/patrol/');
  };

  return (
    <I18n.Provider value={i18n}>
      {me === undefined ? (
        <p class="p-loading">…</p>
      ) : me === null ? (
        <SignIn onSignedIn={signedIn} language={language} onLanguage={toggle} />
      ) : (
        <SignedIn me={me} onSignOut={signOut} onLanguage={toggle} />
      )}
    </I18n.Provider>
  );
}

function SignedIn({ me, onSignOut, onLanguage }: { me: Me; onSignOut(): void; onLanguage(): void }) {
  const { w, term } = useWords();
  const url = useLocation();
  const [online, setOnline] = useState(navigator.onLine);
  const [items, setItems] = useState<QueueItem[]>([]);
  const [sending, setSending] = useState(false);
  const [lastOutcome, setLastOutcome] = useState<SendOutcome | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(() => {
    void queueItems(me.userId).then((all) => setItems(all.sort((a, b) => a.id - b.id)));
  }, [me.userId]);

  const sendNow = useCallback(async () => {
    setSending(true);
    try {
      const outcome = await sendQueue(me.userId);
      if (outcome !== 'busy') setLastOutcome(outcome);
    } finally {
      setSending(false);
      refresh();
    }
  }, [me.userId, refresh]);

  useEffect(() => {
    refresh();
    const unwatch = watchQueue(refresh);
    void resumePatrol(me.userId);
    void sendNow();
    if (navigator.onLine) void keepForOffline(me);
    const goOnline = () => {
      setOnline(true);
      void sendNow();
      void keepForOffline(me);
    };
    const goOffline = () => setOnline(false);
    addEventListener('online', goOnline);
    addEventListener('offline', goOffline);
    const timer = setInterval(() => {
      if (navigator.onLine) void sendNow();
    }, SEND_EVERY_MS);
    return () => {
      unwatch();
      removeEventListener('online', goOnline);
      removeEventListener('offline', goOffline);
      clearInterval(timer);
    };
  }, [me.userId]);

  const state: PatrolState = {
    me,
    online,
    items,
    sending,
    lastOutcome,
    sendNow,
    notify: (text) => {
      setNotice(text);
      clearTimeout(noticeTimer.current);
      noticeTimer.current = setTimeout(() => setNotice(null), 4000);
    },
  };

  const waiting = items.filter((i) => i.state === 'waiting').length;
  const path = url.pathname.replace(/\/+$/, '');
  const task = path.match(/^\/patrol\/tasks\/(\d{4}-\d{6,})$/);
  let screen = <MyGrid />;
  if (path === '/patrol/report') screen = <Report />;
  else if (path === '/patrol/queue') screen = <Outbox />;
  else if (path === '/patrol/patrol') screen = <PatrolScreen />;
  else if (task) screen = <Verify caseNumber={task[1]!} />;

  const signOut = () => {
    if (waiting > 0 && !confirm(w('signOutWaiting', { n: waiting }))) return;
    onSignOut();
  };

  const tabs = [
    { path: '/patrol', label: w('tabGrid'), icon: 'grid', testid: 'tab-grid' },
    { path: '/patrol/report', label: w('tabReport'), icon: 'report', testid: 'tab-report' },
    { path: '/patrol/patrol', label: w('tabPatrol'), icon: 'patrol', testid: 'tab-patrol' },
    { path: '/patrol/queue', label: w('tabQueue'), icon: 'outbox', testid: 'tab-queue' },
  ] as const;
  const current = task ? '/patrol' : path;

  if (me.role !== 'grid_worker') {
    return (
      <div class="p-app">
        <main class="p-main">
          <p class="p-card" data-testid="not-grid-worker">
            {w('notGridWorker', { role: term(me.role) })}
          </p>
          <p class="p-actions">
            <a class="p-button secondary" href="/">
              {w('openConsole')}
            </a>
            <button type="button" class="p-button" onClick={onSignOut}>
              {w('signOut')}
            </button>
          </p>
        </main>
      </div>
    );
  }

  return (
    <Patrol.Provider value={state}>
      <div class="p-app">
        <header class="p-top">
          <span class="p-brand">{w('appName')}</span>
          <span class={`p-net ${online ? 'on' : 'off'}`} data-testid="connectivity">
            {online ? w('online') : w('offline')}
          </span>
          <span class="p-spacer" />
          <button type="button" class="p-link" onClick={onLanguage} data-testid="language">
            {w('language')}
          </button>
          <button type="button" class="p-link" onClick={signOut} data-testid="sign-out" title={me.displayName}>
            {w('signOut')}
          </button>
        </header>
        {notice && (
          <p class="p-toast" role="status" data-testid="notice">
            {notice}
          </p>
        )}
        <main class="p-main">{screen}</main>
        <nav class="p-tabs">
          {tabs.map((tab) => (
            <a
              key={tab.path}
              {...linkTo(tab.path === '/patrol' ? '/patrol/' : tab.path)}
              class={current === tab.path ? 'current' : ''}
              data-testid={tab.testid}
            >
              <Icon name={tab.icon} />
              <span>{tab.label}</span>
              {tab.path === '/patrol/queue' && waiting > 0 && (
                <span class="p-badge" data-testid="waiting-badge">
                  {waiting}
                </span>
              )}
            </a>
          ))}
        </nav>
      </div>
    </Patrol.Provider>
  );
}
