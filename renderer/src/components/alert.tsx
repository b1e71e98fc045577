import type { ReactNode } from 'react';

interface AlertProps {
  tone: 'error' | 'success' | 'info' | 'warning';
  /** A banner spans the window (offline); an alert sits in a card. */
  banner?: boolean;
  children: ReactNode;
}

/** Errors are announced at once (role alert); everything else politely (role status). */
export function Alert({ tone, banner = false, children }: AlertProps) {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      className={`alert alert-${tone}${banner ? ' banner' : ''}`}
    >
      {children}
    </div>
  );
}
