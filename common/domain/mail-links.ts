/**
 * The token of a mailed link as a person pastes it: the bare token, or the whole link,
 * `http(s)://…/<action>?token=…` or `wem-account://<action>?token=…`. Undefined when the text is a
 * link of another kind (another action, another scheme) or no link at all: the caller refuses it in
 * its own words, without asking the server.
 */
export function tokenFromPastedLink(input: string, action: string): string | undefined {
  const text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const isLink =
    ((url.protocol === 'https:' || url.protocol === 'http:') &&
      url.pathname.replace(/\/+$/, '').endsWith(`/${action}`)) ||
    (url.protocol === 'wem-account:' && (url.host === action || url.pathname.replace(/^\/+/, '') === action));
  const token = url.searchParams.get('token');
  return isLink && token ? token : undefined;
}
