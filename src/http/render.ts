// HTML pages from templates/ with nunjucks, auto-escaping every value.
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { Context } from 'koa';

// src/http/ and dist/http/ are both two levels below the repository root.
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
});

export interface PageOptions {
  status?: number;
  /** Extra CSP form-action sources, e.g. the origin of an ACS URL the page posts to. */
  formAction?: string[];
}

export function renderPage(ctx: Context, template: string, data: Record<string, unknown>, options: PageOptions = {}): void {
  const formAction = ["'self'", ...(options.formAction ?? [])].join(' ');
  ctx.status = options.status ?? 200;
  ctx.set({
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'Cache-Control': 'no-store',
    // Not no-referrer: under it browsers send `Origin: null` with a same-origin form POST, and the
    // CSRF check (which compares Origin) would refuse our own forms. same-origin still leaks nothing to other sites.
    'Referrer-Policy': 'same-origin',
  });
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = env.render(template, data);
}
