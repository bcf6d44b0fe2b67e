/**
 * Fastify schema compilers for zod: routes declare `schema: { body: credentialsBody }` and the
 * handler receives the parsed (coerced, defaulted) value. A failure is a 400 `invalid_request`
 * whose message names each bad field.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { z } from 'zod';
import { HubError } from '../core/errors.js';

function isZodSchema(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && typeof (schema as { safeParse?: unknown }).safeParse === 'function';
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** Our wording for the few zod messages that read badly in an API error. */
function customMessage(issue: { code: string; input?: unknown }): string | undefined {
  // Fastify hands a missing body over as null; either way the field (or body) is absent.
  if (issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null)) return 'is required';
  return undefined;
}

/** One line per issue: `password: Too small: …`, `extra: unknown field`, `body: is required`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], part: string): string {
  const lines: string[] = [];
  for (const issue of issues) {
    const where = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${where === '' ? key : `${where}.${key}`}: unknown field`);
    } else {
      lines.push(`${where === '' ? (PART_NAMES[part] ?? part) : where}: ${issue.message}`);
    }
  }
  return lines.join('; ');
}

/** The validator compiler: parse with the route's zod schema and replace the raw value. */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, method, url, httpPart }) => {
  if (!isZodSchema(schema)) throw new Error(`route ${method} ${url}: ${httpPart ?? 'schema'} must be a zod schema`);
  const part = httpPart ?? 'body';
  return (data: unknown) => {
    const result = schema.safeParse(data, { error: customMessage });
    if (result.success) return { value: result.data };
    return { error: new HubError('invalid_request', formatIssues(result.error.issues, part)) };
  };
};

/**
 * The serializer compiler for `schema.response`: the reply is parsed with the zod schema first,
 * so fields a schema does not name never leak and a reply that breaks the contract fails loudly.
 */
export const zodSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema, method, url }) => {
  if (!isZodSchema(schema)) throw new Error(`route ${method} ${url}: response schemas must be zod schemas`);
  return (data: unknown) => JSON.stringify(schema.parse(data));
};
