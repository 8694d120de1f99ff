import { TransportError } from '../../../inventory/core/errors.js';

/** Zabbix answered a call with a JSON-RPC error: its own `message` and `data` (which says what is
 * wrong, e.g. `Host with the same name "x" already exists.`), kept for the diagnostic. Never
 * carries the request's parameters (they may hold a password). */
export class ZabbixApiError extends TransportError {
  constructor(
    readonly method: string,
    readonly zabbixCode: number,
    readonly zabbixMessage: string,
    readonly zabbixData: string,
  ) {
    super(`Zabbix refused ${method}: ${zabbixMessage}${zabbixData ? ` ${zabbixData}` : ''}`, false);
  }
}
