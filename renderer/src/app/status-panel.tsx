import type { AppStatus } from '../../../common/contract/ipc';

interface StatusPanelProps {
  status: AppStatus | undefined;
  error: string | undefined;
}

export function StatusPanel({ status, error }: StatusPanelProps) {
  if (error) {
    return (
      <section aria-label="Status" className="status">
        <p role="alert">{error}</p>
      </section>
    );
  }
  if (!status) {
    return (
      <section aria-label="Status" className="status">
        Connecting…
      </section>
    );
  }
  return (
    <section aria-label="Status" className="status">
      <dl>
        <dt>Server</dt>
        <dd>{status.serverUrl}</dd>
        <dt>Connection</dt>
        <dd>{status.online ? 'Online' : 'Offline'}</dd>
        <dt>Account</dt>
        <dd>{status.signedIn ? `Signed in${status.email ? ` as ${status.email}` : ''}` : 'Not signed in'}</dd>
      </dl>
      <p className="version">Version {status.version}</p>
    </section>
  );
}
