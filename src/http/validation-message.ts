/**
 * The message of a 400 `invalid_request` for a request that failed its route's zod schema
 * (validated by `fastify-type-provider-zod`): one part per problem, naming the field —
 * `password: is required; extra: unknown field; limit: Too big: expected number to be <=100`.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** How each part of a request is named when the problem is the part itself. */
const PART_NAMES: Readonly<Record<string, string>> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** One zod issue as the type provider hands it over (Fastify's validation error shape). */
interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message: string;
  readonly params: { readonly keys?: readonly string[] };
}

/** The request part's value as it arrived (Fastify leaves it unparsed when validation fails). */
function rawPart(request: FastifyRequest, part: string): unknown {
  switch (part) {
    case 'body':
      return request.body;
    case 'querystring':
      return request.query;
    case 'params':
      return request.params;
    case 'headers':
      return request.headers;
    default:
      return undefined;
  }
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The message for a zod validation failure, or undefined when `error` is not one. A field that
 * is absent reads "is required" rather than zod's "expected string, received undefined".
 */
export function validationMessage(error: FastifyError, request: FastifyRequest): string | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  const part = error.validationContext ?? 'body';
  const raw = rawPart(request, part);
  const lines: string[] = [];
  for (const issue of error.validation as readonly ValidationIssue[]) {
    const path = issue.instancePath === '/' ? [] : issue.instancePath.slice(1).split('/');
    const where = path.join('.');
    if (issue.keyword === 'unrecognized_keys') {
      for (const key of issue.params.keys ?? []) lines.push(`${where === '' ? key : `${where}.${key}`}: unknown field`);
      continue;
    }
    const value = valueAt(raw, path);
    // Fastify hands a missing body over as null; either way the field (or body) is absent.
    const missing = issue.keyword === 'invalid_type' && (value === undefined || value === null);
    lines.push(`${where === '' ? (PART_NAMES[part] ?? part) : where}: ${missing ? 'is required' : issue.message}`);
  }
  return lines.join('; ');
}
