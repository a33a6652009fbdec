import type { Request } from 'express';
import { readCookie } from '../auth/session';
import type { Lang } from '../web/i18n';

/** The operator's choice (the header's switch sets a cookie); without one, the browser's language. */
export function langOf(request: Request): Lang {
  const chosen = readCookie(request.headers.cookie, 'lang');
  if (chosen === 'ja' || chosen === 'en') return chosen;
  return request.acceptsLanguages('ja', 'en') === 'ja' ? 'ja' : 'en';
}
