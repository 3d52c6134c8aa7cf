/**
 * The app shell: the login form until a session exists, then the header (tabs, vhost selector,
 * refresh control, user), and the page the URL names.
 */
import { useEffect } from 'preact/hooks';
import { Link } from './components/link';
import { AdminPage } from './pages/admin';
import { ChannelsPage } from './pages/channels';
import { ConnectionPage } from './pages/connection';
import { ConnectionsPage } from './pages/connections';
import { ExchangePage } from './pages/exchange';
import { ExchangesPage } from './pages/exchanges';
import { LoginPage } from './pages/login';
import { OverviewPage } from './pages/overview';
import { QueuePage } from './pages/queue';
import { QueuesPage } from './pages/queues';
import { INTERVALS, interval, lastRefresh, paused, refreshNow, tick } from './state/refresh';
import { location, segments } from './state/router';
import { can, logout, session } from './state/session';
import { currentVhost } from './state/vhost';
import { loadVhostNames, vhostNames } from './state/vhosts';

interface Tab {
  path: string;
  label: string;
  show: () => boolean;
}

const TABS: Tab[] = [
  { path: '/', label: 'Overview', show: () => true },
  { path: '/connections', label: 'Connections', show: () => true },
  { path: '/channels', label: 'Channels', show: () => true },
  { path: '/exchanges', label: 'Exchanges', show: () => true },
  { path: '/queues', label: 'Queues', show: () => true },
  { path: '/admin', label: 'Admin', show: () => can.policies.value },
];

function Page({ parts }: { parts: string[] }) {
  const [top, a, b] = parts;
  switch (top) {
    case undefined:
      return <OverviewPage />;
    case 'connections':
      return a === undefined ? <ConnectionsPage /> : <ConnectionPage key={a} name={a} />;
    case 'channels':
      return <ChannelsPage />;
    case 'exchanges':
      return a === undefined ? <ExchangesPage /> : <ExchangePage key={`${a}/${b ?? ''}`} vhost={a} name={b === undefined || b === 'amq.default' ? '' : b} />;
    case 'queues':
      return a === undefined || b === undefined ? <QueuesPage /> : <QueuePage key={`${a}/${b}`} vhost={a} name={b} />;
    case 'admin':
      return <AdminPage parts={parts.slice(1)} />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page at <code>{location.value.path}</code>. <Link href="/">Go to the overview.</Link>
          </p>
        </section>
      );
  }
}

function RefreshControl() {
  const t = new Date(lastRefresh.value);
  return (
    <div class="refresh">
      <select value={String(interval.value)} onChange={(e) => (interval.value = Number(e.currentTarget.value))} aria-label="Refresh interval" title="Refresh interval">
        {INTERVALS.map((ms) => (
          <option key={ms} value={String(ms)}>
            every {ms / 1000} s
          </option>
        ))}
      </select>
      <button
        type="button"
        class="icon"
        aria-pressed={paused.value}
        aria-label={paused.value ? 'Resume refreshing' : 'Pause refreshing'}
        onClick={() => (paused.value = !paused.value)}
        title={paused.value ? `Paused since ${t.toLocaleTimeString()}: resume refreshing` : `Refreshed at ${t.toLocaleTimeString()}: pause refreshing`}
      >
        {paused.value ? '▶' : '❚❚'}
      </button>
      <button type="button" class="icon" onClick={refreshNow} title="Refresh now" aria-label="Refresh now">
        ↻
      </button>
    </div>
  );
}

function VhostSelector() {
  const names = vhostNames.value;
  return (
    <label class="vhost-select" title="Virtual host: the lists and the overview show this vhost only">
      Vhost{' '}
      <select value={currentVhost.value} onChange={(e) => (currentVhost.value = e.currentTarget.value)} aria-label="Virtual host">
        <option value="">All</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
        {currentVhost.value !== '' && !names.includes(currentVhost.value) && <option value={currentVhost.value}>{currentVhost.value}</option>}
      </select>
    </label>
  );
}

/** Reloads the vhost list on every refresh; a component of its own, so a tick re-renders only it. */
function VhostNamesLoader() {
  const t = tick.value;
  useEffect(() => {
    void loadVhostNames();
  }, [t]);
  return null;
}

/** The whole app. */
export function App() {
  const s = session.value;
  if (s === null) return <LoginPage />;
  const parts = segments(location.value.path);
  const top = parts[0] === undefined ? '/' : `/${parts[0]}`;
  return (
    <div class="app">
      <VhostNamesLoader />
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <Link href="/" title="Warren: overview">
            <span class="logo" aria-hidden="true">
              ◆
            </span>{' '}
            Warren
          </Link>
        </div>
        <nav aria-label="Main">
          <ul>
            {TABS.filter((tab) => tab.show()).map((tab) => (
              <li key={tab.path}>
                <Link href={tab.path} class={top === tab.path ? 'active' : undefined} aria-current={top === tab.path ? 'page' : undefined}>
                  {tab.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="tools">
          <VhostSelector />
          <RefreshControl />
          <div class="user">
            <b data-testid="current-user" title={`Logged in as ${s.user} (tags: ${s.tags.join(', ')})`}>
              {s.user}
            </b>
            <button type="button" onClick={() => logout()}>
              Log out
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page parts={parts} />
      </main>
    </div>
  );
}
