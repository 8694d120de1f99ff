import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/** A resolved secret. Its value is only reachable through `reveal()`: printing, logging or
 * serialising it (JSON, util.inspect, template strings) shows `[redacted]`, so a secret cannot
 * slip into a plan, a log line, the store or an API answer by accident. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
