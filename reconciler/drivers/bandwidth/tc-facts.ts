import type { JsonValue } from '../../../inventory/core/json-value.js';

/** One tc object as `tc -j` printed it, with the fields every plan needs pulled out. */
export interface TcObject {
  kind: string;
  handle: string | null;
  parent: string | null;
  raw: { [key: string]: JsonValue };
}

export interface TcInterfaceFacts {
  device: string;
  qdiscs: TcObject[];
  classes: TcObject[];
  filters: TcObject[];
}

export interface TcFacts {
  interfaces: TcInterfaceFacts[];
}
