// A minimal browser for flow tests: a cookie jar, redirects followed by hand (so each hop can be
// inspected), and the forms of our HTML pages read back out.
import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { rememberSecret } from './logs.js';

/** One HTTP request from a chosen local (source) address; fetch cannot bind one. */
function requestFrom(localAddress: string, url: string, method: string, headers: Record<string, string>, body?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode!, headers: responseHeaders }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface Page {
  status: number;
  url: string;
  headers: Headers;
  body: string;
}

export interface Form {
  action: string;
  fields: Record<string, string>;
}

const decodeEntities = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39|#x27|#34);/g, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", '#34': '"' })[entity]!);

/** The first <form> of a page with its hidden and text inputs (our templates' markup). */
export function readForm(html: string, baseUrl: string): Form {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in page:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const [tag] of form[2]!.matchAll(/<input\b[^>]*>/g)) {
    // A browser sends a checkbox only when it is ticked.
    if (/\btype="checkbox"/.test(tag) && !/\schecked\b/.test(tag)) continue;
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    if (name !== undefined) fields[decodeEntities(name)] = decodeEntities(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  return { action: new URL(decodeEntities(form[1]!), baseUrl).href, fields };
}

export class Browser {
  readonly cookies = new Map<string, string>();

  /** `localAddress` (127.0.0.2, 127.0.0.3…: Linux routes all of 127/8 to lo) is the client address the server sees. */
  constructor(
    private readonly extraHeaders: Record<string, string> = {},
    private readonly localAddress?: string,
  ) {}

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Page> {
    const headers: Record<string, string> = { ...this.extraHeaders, ...(init.headers ?? {}) };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      for (const [field, value] of Object.entries(init.form)) if (/password|csrf|secret/i.test(field)) rememberSecret(`form field ${field}`, value);
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const method = init.method ?? (body ? 'POST' : 'GET');
    const response = this.localAddress
      ? await requestFrom(this.localAddress, url, method, headers, body)
      : await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie) || value.join('=') === '') this.cookies.delete(name!.trim());
      else {
        this.cookies.set(name!.trim(), value.join('='));
        if (/^fedmeta_(session|csrf)$/.test(name!.trim())) rememberSecret(`cookie ${name!.trim()}`, value.join('='));
      }
    }
    return { status: response.status, url, headers: response.headers, body: await response.text() };
  }

  /** Request, then follow redirects (GET) until a page that is not a redirect. */
  async follow(url: string, init: Parameters<Browser['request']>[1] = {}, maxHops = 10): Promise<Page> {
    let page = await this.request(url, init);
    for (let hop = 0; page.status >= 300 && page.status < 400; hop++) {
      if (hop >= maxHops) throw new Error('too many redirects');
      page = await this.request(new URL(page.headers.get('location')!, page.url).href);
    }
    return page;
  }

  /** Submit the first form of `page`, with some fields filled in. */
  submit(page: Page, values: Record<string, string> = {}): Promise<Page> {
    const form = readForm(page.body, page.url);
    return this.follow(form.action, { form: { ...form.fields, ...values } });
  }
}

/**
 * The code a page shows: `Error code: <code>…</code>` on error pages (templates/error.html,
 * dashboard/forbidden.html), `Code: <code>…</code>` on the WS-Fed sign-out confirmation; or undefined.
 */
export function errorCodeOf(page: Page): string | undefined {
  return /(?:Error code|Code): <code>([a-z0-9_]+)<\/code>/.exec(page.body)?.[1];
}

/**
 * `page` is our HTML error page with `status` and `code`: it neither redirects nor posts anywhere
 * (no Location, no auto-POST form).
 */
export function expectErrorPage(page: Page, code: string, status = 400, what = code): void {
  expect(page.status, `${what}: status; ${page.body.slice(0, 300)}`).to.equal(status);
  expect(page.headers.get('location'), `${what}: no redirect`).to.equal(null);
  expect(page.headers.get('content-type'), `${what}: an HTML page`).to.match(/^text\/html/);
  expect(page.body, `${what}: no auto-POST form`).not.to.include('form-post');
  expect(errorCodeOf(page), `${what}: the error code on the page`).to.equal(code);
}
