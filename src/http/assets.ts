// The few static files HTML pages use (a stylesheet, the auto-POST script, the dashboard's copy
// buttons), read once at start.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'koa';
import { makeDocument, type PublishedDocument } from '../published/document.js';
import { notFound } from '../errors.js';
import { sendDocument } from './published.js';

const PUBLIC = new URL('../../public/', import.meta.url);
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

export function assetHandler() {
  const assets = new Map<string, PublishedDocument>();
  for (const name of ['style.css', 'form-post.js', 'copy.js']) {
    const extension = name.split('.').pop()!;
    assets.set(name, makeDocument(readFileSync(fileURLToPath(new URL(name, PUBLIC))), TYPES[extension]!));
  }
  return (ctx: Context) => {
    const asset = assets.get(String(ctx.params.name));
    if (!asset) throw notFound('No such asset');
    sendDocument(ctx, asset, 3600);
  };
}
