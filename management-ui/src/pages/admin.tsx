/**
 * Admin: users, vhosts, policies, limits and definitions, as the user's tags allow
 * (administrators everything; policymakers the policies of their vhosts).
 */
import { Link } from '../components/link';
import { can } from '../state/session';
import { DefinitionsPage } from './admin/definitions';
import { LimitsPage } from './admin/limits';
import { PoliciesPage } from './admin/policies';
import { UserPage } from './admin/user';
import { UsersPage } from './admin/users';
import { VhostPage } from './admin/vhost';
import { VhostsPage } from './admin/vhosts';

interface Sub {
  path: string;
  label: string;
  admin: boolean;
}

const SUBS: Sub[] = [
  { path: 'users', label: 'Users', admin: true },
  { path: 'vhosts', label: 'Virtual hosts', admin: true },
  { path: 'policies', label: 'Policies', admin: false },
  { path: 'limits', label: 'Limits', admin: true },
  { path: 'definitions', label: 'Definitions', admin: true },
];

/** The admin section; `parts` is the path after /admin. Without a policymaker or administrator tag none of it is shown (RabbitMQ's UI has no Admin tab for management and monitoring users). */
export function AdminPage({ parts }: { parts: string[] }) {
  const admin = can.administer.value;
  const subs = SUBS.filter((s) => (s.admin ? admin : can.policies.value));
  const [sub, id] = parts;
  const current = sub ?? subs[0]?.path ?? 'policies';
  const allowed = subs.some((s) => s.path === current);
  return (
    <div class="admin">
      <nav class="subnav" aria-label="Admin">
        <ul>
          {subs.map((s) => (
            <li key={s.path}>
              <Link href={`/admin/${s.path}`} class={current === s.path ? 'active' : undefined} aria-current={current === s.path ? 'page' : undefined}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div class="admin-body">
        {!allowed ? (
          <p class="error" role="alert">
            Your tags do not allow this page.
          </p>
        ) : current === 'users' ? (
          id === undefined ? <UsersPage /> : <UserPage key={id} name={id} />
        ) : current === 'vhosts' ? (
          id === undefined ? <VhostsPage /> : <VhostPage key={id} name={id} />
        ) : current === 'policies' ? (
          <PoliciesPage />
        ) : current === 'limits' ? (
          <LimitsPage />
        ) : (
          <DefinitionsPage />
        )}
      </div>
    </div>
  );
}
