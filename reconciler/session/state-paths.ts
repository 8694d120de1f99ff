import { dirname, join } from 'node:path';

import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { trackedFilesUnder } from '../../inventory/source/git-repository.js';
import type { OperatorConfig } from './operator-config.js';

/** Where pytin keeps its state for one inventory: operator configuration, else beside the
 * inventory in .pytin/. */
export interface StatePaths {
  stateDir: string;
  store: string;
  /** Pinned SSH host keys: beside the store by default, so a CI cache of the state keeps them. */
  knownHosts: string;
  secretsDir: string;
  /** Per-file parse and schema results of earlier runs (issue 14): beside the store, so whatever
   * protects the store (outside git, the operator's folder) protects it. */
  inventoryCache: string;
}

export function statePaths(operator: OperatorConfig, inventoryRoot: string, explicitStore?: string): StatePaths {
  const stateDir = operator.stateDir ?? join(inventoryRoot, '.pytin');
  const store = explicitStore ?? operator.store ?? join(stateDir, 'store.sqlite');
  return {
    stateDir,
    store,
    knownHosts: operator.knownHosts ?? join(dirname(store), 'known_hosts'),
    secretsDir: operator.secrets.dir ?? join(stateDir, 'secrets'),
    inventoryCache: join(dirname(store), 'inventory-cache.bin'),
  };
}

/** Refuses state that git tracks. The default state folder lies in the inventory's work tree, and
 * CI checks out the branch it plans: a branch that commits .pytin/known_hosts (or a store, or a
 * secret) would choose which host keys pytin trusts. Only files the operator put there count. */
export async function stateNotInGit(inventoryRoot: string, paths: StatePaths): Promise<Diagnostic | undefined> {
  const tracked = await trackedFilesUnder(inventoryRoot, [dirname(paths.store), paths.knownHosts, paths.secretsDir]);
  if (tracked.length === 0) return undefined;
  return {
    severity: 'error',
    code: 'TRUST_STATE_IN_GIT',
    summary: `pytin's state is in files git tracks: ${tracked.slice(0, 5).join(', ')}${tracked.length > 5 ? `, and ${tracked.length - 5} more` : ''}`,
    detail:
      "The store, known_hosts and secret files are the operator's, never the repository's: a branch could plant them. Remove them from git (git rm --cached) and ignore the folder, or set stateDir in the pytin configuration to a folder outside the repository.",
  };
}
