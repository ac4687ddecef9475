// HTML pages from templates/ with nunjucks, auto-escaping every value. One renderer per app (its
// template cache lives in it), passed to the handlers that answer with a page; templates build their
// links with path(name, params) from the route table.
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { Context } from 'koa';
import { pathFor } from '../route-paths.js';

// src/http/ and dist/http/ are both two levels below the repository root.
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface PageOptions {
  status?: number;
  /** Extra CSP form-action sources, e.g. the origin of an ACS URL the page posts to. */
  formAction?: string[];
}

export class PageRenderer {
  private readonly env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });

  constructor() {
    // Templates link by route name: {{ path('dashboard-revoke', { kid: key.kid }) }}.
    this.env.addGlobal('path', pathFor);
  }

  render(ctx: Context, template: string, data: Record<string, unknown>, options: PageOptions = {}): void {
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
    ctx.body = this.env.render(template, data);
  }

  /** An auto-submitting form that POSTs `fields` (those not undefined) to `action` (SAML and WS-Fed answers). */
  postForm(ctx: Context, action: string, fields: Record<string, string | undefined>): void {
    const list = Object.entries(fields)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => ({ name, value }));
    this.render(ctx, 'form-post.html', { action, fields: list }, { formAction: [new URL(action).origin] });
  }
}
