/**
 * Who is logged in: the Basic header (kept in sessionStorage, so the session lives as long as
 * the tab and is gone when it closes) and the user's tags, which decide what the dashboard shows,
 * as RabbitMQ's UI does (management < policymaker, monitoring < administrator).
 */
import { computed, signal } from '@preact/signals';
import { ApiError, basicHeader, onSessionExpired, setAuthorization } from '../api/client';
import { api } from '../api/endpoints';
import { currentVhost } from './vhost';

/** The logged-in user. */
export interface Session {
  user: string;
  tags: string[];
  authorization: string;
}

const KEY = 'warren.session';
const MANAGEMENT_TAGS = ['management', 'policymaker', 'monitoring', 'administrator'];

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.user === 'string' && typeof s.authorization === 'string' && Array.isArray(s.tags) ? s : null;
  } catch {
    return null;
  }
}

/** The session, null when logged out. */
export const session = signal<Session | null>(load());
setAuthorization(session.value?.authorization ?? null);

/** Why the last session ended, shown on the login form. */
export const logoutReason = signal<string>('');

onSessionExpired(() => logout('Your credentials were refused (password changed or user deleted); please log in again.'));

/** Tags as a list (the API gives a list; older brokers a comma-separated string). */
export function tagList(tags: string[] | string): string[] {
  return Array.isArray(tags) ? tags : tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** Logs in against /api/whoami; resolves to an error text, or '' on success. */
export async function login(user: string, password: string): Promise<string> {
  const authorization = basicHeader(user, password);
  try {
    const me = await api.whoami(authorization);
    const tags = tagList(me.tags);
    if (!tags.some((t) => MANAGEMENT_TAGS.includes(t))) {
      return `User '${me.name}' has no management tag (management, policymaker, monitoring or administrator), so it may not use the dashboard.`;
    }
    const s: Session = { user: me.name, tags, authorization };
    sessionStorage.setItem(KEY, JSON.stringify(s));
    setAuthorization(authorization);
    logoutReason.value = '';
    session.value = s;
    return '';
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      return e.reason === 'Not management user'
        ? `User '${user}' has no management tag (management, policymaker, monitoring or administrator), so it may not use the dashboard.`
        : 'Login failed: wrong user name or password.';
    }
    return e instanceof Error ? e.message : String(e);
  }
}

/** Ends the session (the tab forgets the credentials). */
export function logout(reason = ''): void {
  sessionStorage.removeItem(KEY);
  // The next user may not see the vhost this one had selected.
  currentVhost.value = '';
  setAuthorization(null);
  logoutReason.value = reason;
  session.value = null;
}

function has(tag: string): boolean {
  const tags = session.value?.tags ?? [];
  return tags.includes(tag);
}

/** What the user may see and do, from their tags (rabbit_mgmt_util's is_authorized_* rules). */
export const can = {
  /** Users, vhosts, permissions, limits, definitions, operator policies. */
  administer: computed(() => has('administrator')),
  /** Policies and parameters in the vhosts the user can reach. */
  policies: computed(() => has('administrator') || has('policymaker')),
  /** Every connection and channel, node facts. */
  monitor: computed(() => has('administrator') || has('monitoring')),
};
