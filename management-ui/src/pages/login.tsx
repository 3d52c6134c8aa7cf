/**
 * Login: user name and password checked against /api/whoami (HTTP Basic). Refused logins and
 * users without a management tag get a plain message.
 */
import { useState } from 'preact/hooks';
import { login, logoutReason } from '../state/session';

/** The login form. */
export function LoginPage() {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const reason = logoutReason.value;
  return (
    <main class="login" id="main">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          void login(user, password).then((err) => {
            setBusy(false);
            setError(err);
          });
        }}
      >
        <h1>
          <span class="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Warren
        </h1>
        <p class="muted">Log in with a user that has a management tag.</p>
        {reason !== '' && error === '' && (
          <p class="notice" role="status">
            {reason}
          </p>
        )}
        <label for="login-user">Username</label>
        <input id="login-user" name="username" autoComplete="username" value={user} onInput={(e) => setUser(e.currentTarget.value)} required autoFocus />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error !== '' && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
