// Checks an HTTP answer against the OpenAPI document (src/api/openapi.ts) with ajv (JSON Schema
// 2020-12, the dialect of OpenAPI 3.1): the path and method are an operation of the document (or the
// answer is the router's 404/405), the status is one the operation lists, the content type is one it
// lists for that status, the body validates against its schema, and its required headers are there.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { buildOpenApi } from '../../src/api/openapi.js';

type Json = Record<string, any>;

export interface ObservedAnswer {
  method: string;
  /** The request path without its query. */
  path: string;
  status: number;
  headers: Headers;
  body: string;
}

const DOCUMENT_ID = 'https://fedmeta.invalid/openapi.json';
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => void;

/** A JSON pointer into the document, as a URI fragment. */
const pointer = (...segments: string[]) => `${DOCUMENT_ID}#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

interface Template {
  path: string;
  pattern: RegExp;
  params: number;
  operations: Json;
}

export const managementApiDocument = (): Json => buildOpenApi({ issuer: 'http://127.0.0.1' }) as Json;

export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly templates: Template[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: Json = managementApiDocument()) {
    addFormats(this.ajv);
    for (const keyword of ['openapi', 'info', 'servers', 'paths', 'components']) this.ajv.addKeyword(keyword);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID });
    this.templates = Object.entries(document.paths as Json)
      .map(([path, operations]) => ({
        path,
        operations: operations as Json,
        params: (path.match(/\{/g) ?? []).length,
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
      }))
      // Literal segments before parameters, as the router matches /keys/signing/rotate before /keys/signing/:kid.
      .sort((a, b) => a.params - b.params);
  }

  private compile(id: string): ValidateFunction {
    let validate = this.compiled.get(id);
    if (!validate) this.compiled.set(id, (validate = this.ajv.compile({ $ref: id })));
    return validate;
  }

  /** The compiled schema of one documented answer. */
  schemaOf(path: string, method: string, status: string, mediaType: string): ValidateFunction {
    return this.compile(pointer('paths', path, method, 'responses', status, 'content', mediaType, 'schema'));
  }

  /** Where the answer breaks the document, in words; empty when it conforms. */
  check(answer: ObservedAnswer): string[] {
    const method = answer.method.toLowerCase() === 'head' ? 'get' : answer.method.toLowerCase();
    const matching = this.templates.filter((template) => template.pattern.test(answer.path));
    const template = matching.find((candidate) => candidate.operations[method]);
    if (!template) {
      // Not an operation of the document: only the router's refusal is allowed, as our error body.
      const expected = matching.length > 0 ? [404, 405] : [404];
      if (!expected.includes(answer.status)) return [`no operation in the document, yet the answer is ${answer.status} (expected ${expected.join(' or ')})`];
      return this.checkBody(answer, 'application/json', this.compile(pointer('components', 'schemas', 'Error')));
    }
    const responses = template.operations[method].responses as Json;
    const response = responses[String(answer.status)] as Json | undefined;
    const where = `(${method.toUpperCase()} ${template.path})`;
    if (!response) return [`${where} status ${answer.status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
    const problems: string[] = [];
    for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
      if ((header as Json).required && !answer.headers.has(name)) problems.push(`${where} header ${name} is missing`);
    }
    const content = response.content as Json | undefined;
    if (!content || answer.method.toUpperCase() === 'HEAD') {
      if (!content && answer.body.length > 0) problems.push(`${where} documented without a body, yet one was sent`);
      return problems;
    }
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(mediaType in content)) return [...problems, `${where} content type "${mediaType}" is not documented (${Object.keys(content).join(', ')})`];
    const schema = this.schemaOf(template.path, method, String(answer.status), mediaType);
    return [...problems, ...this.checkBody(answer, mediaType, schema).map((problem) => `${where} ${problem}`)];
  }

  private checkBody(answer: ObservedAnswer, mediaType: string, validate: ValidateFunction): string[] {
    const received = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (received !== mediaType) return [`content type "${received}", expected "${mediaType}"`];
    if (mediaType !== 'application/json') return [];
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [`the body is not JSON: ${answer.body.slice(0, 200)}`];
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message} ${JSON.stringify(error.params)}`);
  }
}
