import { ADDRESS_STATUSES, type AddressQuery, listAddresses } from '../../reconciler/store/api/address-records.js';
import { formatIp, type IpAddress, type IpNetwork, parseCidr, parseIp } from '../../schemas/formats/ip.js';
import { enumFilter, type FilterSpec, nameFilter } from '../http/query-filters.js';
import type { ApiRoute } from './api-route.js';
import { ADDRESS_SCHEMA } from './record-schemas.js';

const addressFilter: FilterSpec<IpAddress> = {
  description: 'exactly this address (IPv4 or IPv6, any RFC text form)',
  schema: { type: 'string', maxLength: 45 },
  parse: parseIp,
  expected: 'an IPv4 or IPv6 address',
};

const prefixFilter: FilterSpec<IpNetwork> = {
  description: 'only addresses inside this network (CIDR, host bits zero)',
  schema: { type: 'string', maxLength: 49 },
  parse: parseCidr,
  expected: 'a network in CIDR notation with its host bits zero, e.g. 203.0.113.0/24',
};

/** A cursor's sort key is the canonical text of the last address served. */
const canonical = (key: string) => {
  const parsed = parseIp(key);
  return parsed !== undefined && formatIp(parsed) === key;
};

export const ipAddressesRoute: ApiRoute = {
  id: 'ip-addresses',
  path: '/v1/ip-addresses',
  summary: 'Addresses with their status, holder, tenant, pool, first and last seen, MAC and switch port',
  description:
    'Without `status`: every address held in git (allocated or reserved) and every address seen on the network but held by nobody (seen-unallocated). ' +
    '`status=free` enumerates the usable addresses of the pools that nobody holds and nobody was seen on, lazily (an IPv6 pool is never listed whole); ' +
    "without `pool`, the global table's pools only (a VRF's pools may overlap them: name one with `pool`). " +
    'Sorted by IP version, then numerically; an address held in several VRFs is listed once per VRF, on one page.',
  filters: {
    address: addressFilter,
    prefix: prefixFilter,
    pool: nameFilter('only addresses of this pool'),
    tenant: nameFilter('only addresses held for this tenant'),
    status: enumFilter(ADDRESS_STATUSES, 'only addresses with this status'),
  },
  paginated: { validKey: canonical },
  response: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ADDRESS_SCHEMA } } },
  handle: async ({ state, filters, page }) => {
    const model = await state.model();
    const { known, sightings } = await state.observed();
    const query: AddressQuery = { limit: page.limit };
    if (filters.has('address')) query.address = filters.get('address') as IpAddress;
    if (filters.has('prefix')) query.prefix = filters.get('prefix') as IpNetwork;
    if (filters.has('pool')) query.pool = filters.get('pool') as string;
    if (filters.has('tenant')) query.tenant = filters.get('tenant') as string;
    if (filters.has('status')) query.status = filters.get('status') as AddressQuery['status'];
    if (page.after !== null) query.after = parseIp(page.after);
    const { items, next } = listAddresses(model, known, sightings, query);
    return { body: { items }, next: next ? formatIp(next) : null };
  },
};
