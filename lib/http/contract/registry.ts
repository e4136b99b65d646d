import * as z from 'zod';

/** What the contract registry keeps of a schema: its name among the document's components. */
export interface ContractMeta {
  readonly id: string;
}

/**
 * The schemas of the HTTP contract, by the name they take among the OpenAPI document's components.
 * A registry of its own rather than zod's global one: names are checked unique here, and a module
 * loaded twice (a test runner's fresh module graph) makes a fresh registry instead of a clash.
 */
export const contractSchemas = z.registry<ContractMeta>();

/**
 * Names `schema` in the contract: it becomes `#/components/schemas/<id>` and is referred to there.
 * Any zod schema: the webhook bodies are the functions' own, built with zod/mini.
 */
export function named<T extends z.core.$ZodType>(id: string, schema: T): T {
  const taken = contractSchemas._idmap.get(id);
  if (taken !== undefined && taken !== schema) throw new Error(`the contract names two schemas ${id}`);
  contractSchemas.add(schema, { id });
  return schema;
}

/** The name the contract gives a schema; a body or an answer the document shows must have one. */
export function nameOf(schema: z.core.$ZodType): string {
  const id = contractSchemas.get(schema)?.id;
  if (id === undefined)
    throw new Error('a schema the document shows must be named in the contract (named())');
  return id;
}
