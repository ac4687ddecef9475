// GET /api/v2/openapi.json: the Management API's OpenAPI document (src/api/openapi.ts), built once.
import type { Config } from '../config.js';
import { buildOpenApi } from '../api/openapi.js';
import { makeDocument, type PublishedDocument } from './document.js';

export function openApiDocument(config: Config): PublishedDocument {
  return makeDocument(JSON.stringify(buildOpenApi(config)), 'application/json; charset=utf-8');
}
