import { describe, expect, it } from 'vitest';
import { cookieShape } from '../../../shared/http/sealed-cookies.js';
import { SESSION_COOKIE, SIGN_IN_COOKIE } from '../../../shared/http/subscriber-session.js';

describe('cookieShape', () => {
  it('prefixes __Host- and uses Path=/ over https, so no subdomain can set or shadow the cookie', () => {
    expect(cookieShape(SESSION_COOKIE, true)).toEqual({ name: '__Host-ps_session', path: '/' });
    expect(cookieShape(SIGN_IN_COOKIE, true)).toEqual({ name: '__Host-ps_signin', path: '/' });
  });

  it('keeps the plain name and narrow path over plain-http local development', () => {
    expect(cookieShape(SESSION_COOKIE, false)).toEqual({ name: 'ps_session', path: '/api' });
    expect(cookieShape(SIGN_IN_COOKIE, false)).toEqual({ name: 'ps_signin', path: '/api/auth' });
  });
});
