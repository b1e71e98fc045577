import type { authenticatorChannels } from '../../../common/contract/ipc-authenticator';
import type { IpcHandler, IpcHandlers } from '../ipc-router';
import type { LocalAuthenticator } from './local-authenticator';

export type AuthenticatorChannel = keyof typeof authenticatorChannels;
/** factors.useThisComputer needs the account side too: desktop-services.ts wires it. */
type LocalChannel = Exclude<AuthenticatorChannel, 'factors.useThisComputer'>;
export type AuthenticatorHandlers = { [C in LocalChannel]: IpcHandler<C> };
/** The handlers of every other channel: the account side of the app. */
export type AccountHandlers = Omit<IpcHandlers, AuthenticatorChannel>;

/** The authenticator's IPC channels, each one method of the service. */
export function authenticatorHandlers(authenticator: LocalAuthenticator): AuthenticatorHandlers {
  return {
    'authenticator.list': () => authenticator.list(),
    'authenticator.addUri': ({ uri }) => authenticator.addUri(uri),
    'authenticator.addManual': (input) => authenticator.addManual(input),
    'authenticator.addFromImage': ({ image }) => authenticator.addFromImage(image),
    'authenticator.scanScreen': () => authenticator.scanScreen(),
    'authenticator.pickImage': () => authenticator.pickImage(),
    'authenticator.readClipboardImage': () => authenticator.readClipboardImage(),
    'authenticator.rename': ({ id, issuer, label }) => authenticator.rename(id, { issuer, label }),
    'authenticator.reorder': ({ ids }) => authenticator.reorder(ids),
    'authenticator.delete': ({ id }) => authenticator.delete(id),
    'authenticator.nextHotpCode': ({ id }) => authenticator.nextHotpCode(id),
    'authenticator.copy': ({ id }) => authenticator.copy(id),
    'authenticator.import': (request) => authenticator.import(request),
    'authenticator.exportBackup': ({ password }) => authenticator.exportBackup(password),
    'authenticator.exportUriList': ({ acknowledgeUnencrypted }) =>
      authenticator.exportUriList(acknowledgeUnencrypted),
    'authenticator.lock': () => authenticator.lock(),
    'authenticator.unlock': ({ password }) => authenticator.unlock(password),
    'authenticator.setPassword': ({ current, password }) => authenticator.setPassword(current, password),
    'authenticator.setIdleMinutes': ({ minutes }) => authenticator.setIdleMinutes(minutes),
  };
}
