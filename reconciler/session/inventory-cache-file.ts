import { dirname } from 'node:path';

import { InventoryCache } from '../../inventory/cache/inventory-cache.js';
import { trackedFilesUnder } from '../../inventory/source/git-repository.js';
import type { StatePaths } from './state-paths.js';

/** The inventory cache of the state folder, or undefined when git tracks a file in that folder: a
 * branch that commits a cache file would choose the results pytin reads back, so such a file is
 * neither read nor written (a session then fails with TRUST_STATE_IN_GIT; validate just runs cold). */
export async function openInventoryCache(paths: StatePaths, inventoryRoot: string): Promise<InventoryCache | undefined> {
  if ((await trackedFilesUnder(inventoryRoot, [dirname(paths.inventoryCache)])).length > 0) return undefined;
  return InventoryCache.open(paths.inventoryCache);
}
