import { Ajv, type Options } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

const SHARED: Options = { useDefaults: true, removeAdditional: false, addUsedSchema: false, allErrors: false };

/**
 * Checks each part of a request against its route's schema, with one Ajv for a JSON body and
 * another for the parts that arrive as text. A query string's or a path's numbers are text on
 * the wire and are read as numbers (`coerceTypes`); a body's values are already typed, and
 * coercing them changes what a device sent. Under fastify's single Ajv, which coerces every
 * part, an answer that may be text or a list (`anyOf`) was taken as text first: a list of one
 * chosen option was stored as that option's words (every other device then showed it unchosen),
 * and a list of one channel was refused with a 400 that held up the device's whole outbox.
 */
export function requestValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const body = new Ajv({ ...SHARED, coerceTypes: false });
  const text = new Ajv({ ...SHARED, coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema);
}
