import { useState, type FormEvent } from 'react';
import { messageOf } from '../../../../common/contract/errors';
import type { LoginStart } from '../../../../common/contract/ipc';
import { invoke } from '../../lib/bridge';

interface SignInFormProps {
  defaultEmail: string;
  onSignedIn: () => void;
}

/** Email and password -> `login.start`; shows where the sign-in stands or why it was refused. */
export function SignInForm({ defaultEmail, onSignedIn }: SignInFormProps) {
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<LoginStart | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    const result = await invoke('login.start', { email, password });
    setBusy(false);
    setPassword('');
    if (!result.ok) return setError(messageOf(result.error.code));
    setOutcome(result.value);
    if (result.value.state === 'authenticated') onSignedIn();
  }

  return (
    <form aria-label="Sign in" className="sign-in" onSubmit={(event) => void submit(event)}>
      <h2>Sign in</h2>
      <label>
        Email
        <input
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {outcome ? <LoginOutcome outcome={outcome} /> : null}
    </form>
  );
}

function LoginOutcome({ outcome }: { outcome: LoginStart }) {
  switch (outcome.state) {
    case 'authenticated':
      return (
        <p role="status">
          You are signed in.
          {outcome.trustedComputer ? ' This computer is trusted, so no code was needed.' : ''}
        </p>
      );
    case 'mfa_required':
      return (
        <div role="status">
          <p>Confirm it is you with one of your factors:</p>
          <ul>
            {outcome.factors.map((factor) => (
              <li key={factor.id}>{factor.label}</li>
            ))}
          </ul>
        </div>
      );
    case 'mfa_enrollment_required':
      return <p role="status">Set up multi-factor authentication to finish signing in.</p>;
  }
}
