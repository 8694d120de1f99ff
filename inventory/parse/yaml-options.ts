import type { DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';

/** The options of every parse of inventory text. One set for all, so that a later re-parse for
 * positions (SourceIndex) finds the same documents at the same indices as the first one.
 *
 * uniqueKeys is off: yaml compares each new key with every earlier key of its mapping, which is
 * quadratic in the keys of one mapping (80,000 keys took 50 s). document-value.ts checks
 * duplicates with one Map per mapping instead, and reports them with both places. */
export const YAML_PARSE_OPTIONS = {
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
} as const satisfies ParseOptions & DocumentOptions & SchemaOptions;
