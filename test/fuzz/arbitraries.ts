import fc from 'fast-check';

/** What the fuzzer knows of the served OpenAPI document: each operation and its inputs. */
export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: { contentTypes: string[]; schema: JsonSchema | undefined } | undefined;
  /** Subscriber pages answer errors as HTML pages, not problem+json. */
  page: boolean;
}

export type JsonSchema = Record<string, unknown>;

export function operationsOf(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = (operation['parameters'] ?? []) as {
        in: string;
        name: string;
        schema: JsonSchema;
      }[];
      const content = (
        operation['requestBody'] as { content?: Record<string, { schema?: JsonSchema }> } | undefined
      )?.content;
      const responses = Object.values((operation['responses'] ?? {}) as Record<string, { content?: object }>);
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: content
          ? { contentTypes: Object.keys(content), schema: Object.values(content)[0]?.schema }
          : undefined,
        page: responses.some((r) => r.content && 'text/html' in r.content),
      });
    }
  }
  return operations;
}

/** Strings nobody writes a test for: separators, escapes, controls, unicode tricks, the long and the empty. */
export const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    '/',
    '\\',
    '#',
    '?',
    '%',
    '%2F',
    ' ',
    '..',
    '../../etc/passwd',
    '\u0000',
    '\u0001\u001f',
    '\u202e',
    '\ufeff',
    '😀',
    'é',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    'null',
    'undefined',
    '[object Object]',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 256, maxLength: 1200 }),
  fc.uuid(),
);

const ref = (schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema => {
  const target = schema['$ref'];
  return typeof target === 'string' ? (components[target.split('/').pop()!] ?? {}) : schema;
};

/**
 * Values shaped by a schema (most of the time valid, so requests get past validation and reach the use
 * cases), with a share of values off the schema mixed in at every level.
 */
export function fromSchema(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue();
  const s = ref(schema, components);
  const off = fc.oneof(fc.jsonValue({ maxDepth: 2 }), nastyString);
  const variants = (s['anyOf'] ?? s['oneOf']) as JsonSchema[] | undefined;
  if (variants) return fc.oneof(...variants.map((v) => fromSchema(v, components, depth + 1)));
  const typed = ((): fc.Arbitrary<unknown> => {
    if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as unknown[]));
    const type = Array.isArray(s['type']) ? (s['type'] as string[])[0] : s['type'];
    switch (type) {
      case 'string':
        if (s['format'] === 'email') return fc.emailAddress();
        if (s['format'] === 'uuid') return fc.uuid();
        if (s['format'] === 'date')
          return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
        return fc.oneof(fc.string({ maxLength: 30 }), nastyString);
      case 'integer':
        return fc.integer({ min: -5, max: 20_000 });
      case 'number':
        return fc.oneof(fc.double(), fc.integer());
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(fromSchema(s['items'] as JsonSchema, components, depth + 1), { maxLength: 4 });
      case 'object': {
        const properties = (s['properties'] ?? {}) as Record<string, JsonSchema>;
        const required = (s['required'] ?? []) as string[];
        return fc.record(
          Object.fromEntries(
            Object.entries(properties).map(([k, v]) => [k, fromSchema(v, components, depth + 1)]),
          ),
          { requiredKeys: required.filter((k) => k in properties) },
        );
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return fc.oneof({ weight: 5, arbitrary: typed }, { weight: 1, arbitrary: off });
}

/** CSV uploads a parser must survive: broken quoting, BOMs, odd line ends, huge cells, binary. */
export const csvBody = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', '\ufeff'),
      fc.constantFrom(
        'email,firstName,lastName',
        'email,firstName,lastName,notificationEmail,technicalContact,privilege',
        'Email,first name',
        '',
      ),
      fc.array(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.constantFrom('"', '""', '"a,b', 'a"b', '\r', '\n', '\r\n', ',', '"unterminated'),
            fc.string({ minLength: 5_000, maxLength: 20_000 }),
            fc.emailAddress(),
          ),
          { maxLength: 8 },
        ),
        { maxLength: 6 },
      ),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(
      ([bom, header, rows, eol]) => `${bom}${header}${eol}${rows.map((cells) => cells.join(',')).join(eol)}`,
    ),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
