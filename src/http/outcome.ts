// Renders a use case's Outcome (src/sso/outcome.ts) as an HTTP response: an auto-POST form
// (templates/form-post.html), a 303 redirect, the login page for a pending sign-in, or a page.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import type { Outcome } from '../sso/outcome.js';
import { applySessionEffect } from './cookies.js';
import { pathFor } from '../route-paths.js';

function seeOther(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

export function renderOutcome(ctx: Context, deps: Pick<AppDeps, 'config' | 'csrf' | 'renderer'>, outcome: Outcome): void {
  applySessionEffect(ctx, deps.config, outcome);
  switch (outcome.kind) {
    case 'post-form':
      return deps.renderer.postForm(ctx, outcome.action, outcome.fields);
    case 'redirect':
      return seeOther(ctx, outcome.location);
    case 'login':
      return seeOther(ctx, pathFor('login', {}, { state: outcome.state }));
    case 'page': {
      const data = outcome.withCsrf ? { ...outcome.data, csrf: deps.csrf.issue(ctx) } : outcome.data;
      const { status, formAction } = outcome;
      return deps.renderer.render(ctx, outcome.template, data, { ...(status === undefined ? {} : { status }), ...(formAction ? { formAction } : {}) });
    }
  }
}
