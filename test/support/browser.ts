import { readFileSync } from 'node:fs';
import { request as httpsRequest } from '../../scripts/idp/https-client.js';

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export interface Page {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A headless "browser" for end-to-end tests: cookies per host and path, redirects followed by hand, the
 * local identity provider reached over HTTPS trusting its generated CA. It does what a person's browser
 * does with the activation link, without a browser.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, Cookie[]>();
  private readonly ca: string;

  constructor(caCertPath: string) {
    this.ca = readFileSync(caCertPath, 'utf8');
  }

  cookie(url: string, name: string): string | undefined {
    return this.matching(url).find((c) => c.name === name)?.value;
  }

  setCookie(url: string, name: string, value: string, path = '/'): void {
    const host = new URL(url).host;
    const jar = (this.cookies.get(host) ?? []).filter((c) => !(c.name === name && c.path === path));
    jar.push({ name, value, path });
    this.cookies.set(host, jar);
  }

  private matching(url: string): Cookie[] {
    const { host, pathname } = new URL(url);
    return (this.cookies.get(host) ?? []).filter(
      (c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
    );
  }

  private store(url: string, setCookie: string[]): void {
    for (const line of setCookie) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'path') path = val || '/';
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
      }
      const host = new URL(url).host;
      const jar = (this.cookies.get(host) ?? []).filter((c) => !(c.name === name && c.path === path));
      if (!expired) jar.push({ name, value, path });
      this.cookies.set(host, jar);
    }
  }

  /** One request, no redirect followed. */
  async fetch(
    url: string,
    init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {},
  ): Promise<Page> {
    const cookieHeader = this.matching(url)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const headers: Record<string, string> = { accept: 'text/html' };
    if (cookieHeader) headers['cookie'] = cookieHeader;
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (url.startsWith('https:')) {
      const result = await httpsRequest(url, {
        ca: this.ca,
        method: init.method ?? 'GET',
        headers,
        ...(body ? { body } : {}),
      });
      const setCookie = result.headers['set-cookie'] ?? [];
      this.store(url, setCookie);
      return { url, status: result.status, headers: result.headers, body: result.body };
    }
    const response = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    this.store(url, response.headers.getSetCookie());
    return {
      url,
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: await response.text(),
    };
  }

  /** Follows redirects until a page that is not a redirect, or until `stopAt` says stop (returns that redirect). */
  async navigate(
    url: string,
    init: {
      method?: 'GET' | 'POST';
      form?: Record<string, string>;
      stopAt?: (location: string) => boolean;
    } = {},
  ): Promise<Page> {
    let current = url;
    let method = init.method ?? 'GET';
    let form = init.form;
    for (let hop = 0; hop < 20; hop++) {
      const page = await this.fetch(current, { method, ...(form ? { form } : {}) });
      const location = page.headers['location'];
      if (page.status < 300 || page.status >= 400 || typeof location !== 'string') return page;
      const next = new URL(location, current).toString();
      if (init.stopAt?.(next)) return { ...page, url: next };
      current = next;
      if (page.status !== 307 && page.status !== 308) {
        method = 'GET';
        form = undefined;
      }
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The value of a named input in an HTML form. */
export function inputValue(html: string, name: string): string | undefined {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`, 's').exec(html);
  return match?.[1]
    ?.replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}
