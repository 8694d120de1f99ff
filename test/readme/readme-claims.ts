/** What the README promises, and the tests that prove each promise. readme-claims.test.ts extracts
 * every claim the README makes as a table row or a bullet (outside code blocks) and fails when one
 * has no entry here, when an entry's quote is no longer in the README, or when a named test file
 * does not exist. `quote` is a piece of the claim's line, unique among the claims. A claim no test
 * proves yet has `gap` (why) instead of `proofs`; the list of gaps should only shrink. */
export interface ReadmeClaim {
  quote: string;
  proofs?: readonly string[];
  gap?: string;
}

export const README_CLAIMS: readonly ReadmeClaim[] = [
  // Commands
  {
    quote: '`pytin validate [--repo DIR]',
    proofs: [
      'test/reconciler/cli/commands/validate.test.ts',
      'test/inventory/source/read-inventory.test.ts',
      'test/reconciler/cli/commands/validate-cache.test.ts',
      'test/inventory/cache/inventory-cache.test.ts',
    ],
  },
  { quote: '`pytin allocate --pool POOL', proofs: ['test/inventory/allocate/allocate.test.ts'] },
  { quote: '`pytin schema [--out DIR]`', proofs: ['test/reconciler/cli/commands/validate.test.ts', 'test/schemas/schemas.test.ts'] },
  {
    quote: '`pytin observe [--every 5m] [--only snmp',
    proofs: [
      'test/reconciler/cli/commands/observe.test.ts',
      'test/reconciler/observe/partial-walk-keeps-facts.test.ts',
      'test/reconciler/cli/commands/observe-every.slow.test.ts',
      'test/reconciler/support/aligned-schedule.test.ts',
    ],
  },
  {
    quote: '`pytin publish zabbix [--dry-run]',
    proofs: [
      'test/reconciler/drivers/zabbix/zabbix-publish.slow.test.ts',
      'test/reconciler/drivers/zabbix/zabbix-publish-7.slow.test.ts',
      'test/reconciler/drivers/zabbix/plan-zabbix.test.ts',
      'test/reconciler/drivers/zabbix/plan-secret-macros.test.ts',
      // The dashboards' graphs select the items a real zabbix_server discovers on the switches.
      'test/reconciler/drivers/zabbix/zabbix-server-discovery.slow.test.ts',
      'test/reconciler/drivers/zabbix/zabbix-server-discovery-7.slow.test.ts',
      'test/reconciler/drivers/zabbix/snmpv3-interface.test.ts',
    ],
  },
  { quote: '`pytin serve [--host 127.0.0.1]', proofs: ['test/server/api-commands.test.ts', 'test/server/api-lab.slow.test.ts'] },
  { quote: '`pytin token create --name NAME`', proofs: ['test/server/api-commands.test.ts', 'test/reconciler/store/api/api-store.test.ts'] },
  { quote: '`pytin show ip/ADDRESS', proofs: ['test/server/api-commands.test.ts'] },
  {
    quote: '`/v1/tenants`, `/v1/tenants/{name}`',
    proofs: ['test/server/api-inject.test.ts', 'test/server/api-lab.slow.test.ts', 'test/reconciler/store/api/api-store.test.ts'],
  },
  { quote: '`/v1/vms?tenant=&hypervisor=`', proofs: ['test/server/api-inject.test.ts', 'test/server/api-lab.slow.test.ts'] },
  { quote: '`/v1/servers?rack=&role=`', proofs: ['test/server/api-inject.test.ts', 'test/reconciler/store/api/api-store.test.ts'] },
  { quote: '`/v1/pools?datacenter=`', proofs: ['test/server/api-inject.test.ts', 'test/reconciler/store/api/api-store.test.ts'] },
  {
    quote: '`/v1/ip-addresses?address=&prefix=',
    proofs: ['test/server/api-inject.test.ts', 'test/server/api-consistency.slow.test.ts', 'test/reconciler/store/api/api-store.test.ts'],
  },
  {
    quote: '`/v1/usage?period=YYYY-MM`',
    proofs: [
      'test/server/api-usage.test.ts',
      'test/reconciler/usage/usage-report.test.ts',
      'test/reconciler/usage/usage-computation.test.ts',
      'test/reconciler/usage/usage-lab.slow.test.ts',
    ],
  },
  { quote: '`/v1/backups?host=`, `/v1/runs`', proofs: ['test/server/api-lab.slow.test.ts', 'test/server/api-inject.test.ts'] },
  { quote: '`/v1/health`, `/v1/openapi.json`', proofs: ['test/server/openapi.test.ts', 'test/server/api-inject.test.ts'] },
  // The web view
  { quote: '| `/` | datacenters and racks with units used', proofs: ['test/server/web/web-inject.test.ts', 'test/server/web/web-browser.slow.test.ts'] },
  { quote: '| `/racks/{name}` | the rack', proofs: ['test/server/web/web-inject.test.ts', 'test/server/web/web-browser.slow.test.ts'] },
  { quote: '`/devices/{server', proofs: ['test/server/web/web-inject.test.ts', 'test/server/web/web-browser.slow.test.ts'] },
  { quote: '| `/pools/{name}` | one cell per address', proofs: ['test/server/web/web-inject.test.ts', 'test/server/web/web-browser.slow.test.ts'] },
  { quote: '`/tenants/{name}?period=YYYY-MM`', proofs: ['test/server/web/web-usage-chart.test.ts', 'test/server/web/web-inject.test.ts'] },
  { quote: '| `/plan` | the plan applied for the commit', proofs: ['test/server/web/web-inject.test.ts', 'test/server/web/web-browser.slow.test.ts'] },
  { quote: '`pytin observe device --host', proofs: ['test/reconciler/cli/commands/observe-device.test.ts'] },
  {
    quote: '`pytin plan [--refresh]',
    proofs: [
      'test/reconciler/cli/commands/plan-apply.test.ts',
      'test/reconciler/cli/commands/network-drift.test.ts',
      'test/reconciler/cli/commands/stale-plan.test.ts',
    ],
  },
  {
    quote: '`pytin apply FILE` / `pytin apply --auto-approve`',
    proofs: [
      'test/reconciler/cli/commands/plan-apply.test.ts',
      'test/reconciler/cli/commands/stale-plan.test.ts',
      'test/reconciler/cli/commands/apply-safety.test.ts',
      'test/reconciler/apply/apply-plan.test.ts',
    ],
  },
  { quote: '`pytin lock status` / `pytin lock break', proofs: ['test/reconciler/cli/commands/apply-safety.test.ts'] },
  {
    quote: '`pytin backup run --source DIR',
    proofs: ['test/reconciler/backup/rotation.test.ts', 'test/reconciler/backup/backup-scenario.test.ts', 'test/reconciler/backup/backup-per-user.test.ts'],
  },
  {
    quote: '`pytin backup restore --target DIR',
    proofs: ['test/reconciler/backup/backup-scenario.test.ts', 'test/reconciler/backup/backup-failure-codes.test.ts'],
  },
  {
    quote: '`pytin backup list` / `pytin backup verify`',
    proofs: ['test/reconciler/backup/backup-list-verify.test.ts', 'test/reconciler/backup/backup-failure-codes.test.ts'],
  },
  // Trust
  { quote: 'where the store and `known_hosts` are', proofs: ['test/reconciler/session/trust-boundary.test.ts', 'test/inventory/validate/rules.test.ts'] },
  {
    quote: 'the inventory cache beside the store (`inventory-cache.bin`)',
    proofs: ['test/reconciler/cli/commands/validate-cache.test.ts', 'test/inventory/cache/inventory-cache.test.ts'],
  },
  {
    quote: 'the secrets folder `{file:}` reads from',
    proofs: ['test/inventory/secrets/resolve-secret.test.ts', 'test/reconciler/session/trust-boundary.test.ts'],
  },
  {
    quote: 'the environment variables `{env:}` may read',
    proofs: ['test/inventory/secrets/resolve-secret.test.ts', 'test/reconciler/session/trust-boundary.test.ts'],
  },
  { quote: 'which hosts each secret may reach', proofs: ['test/inventory/secrets/resolve-secret.test.ts'] },
  {
    quote: 'the ref connection settings come from',
    proofs: ['test/reconciler/session/trust-boundary.test.ts', 'test/reconciler/session/operator-mistakes.test.ts'],
  },
  { quote: 'the flags of the protected CI job', proofs: ['test/reconciler/cli/commands/apply-safety.test.ts', 'test/reconciler/plan/safety.test.ts'] },
  // Development
  { quote: 'Layout (top level fixed)', proofs: ['test/architecture/import-direction.test.ts'] },
  { quote: 'Inside `reconciler/`:', proofs: ['test/architecture/import-direction.test.ts'] },
  { quote: '`cli/` parses arguments and renders; nothing else imports it.', proofs: ['test/architecture/import-direction.test.ts'] },
  {
    quote: '`session/` opens a session from plain options',
    proofs: ['test/reconciler/session/trust-boundary.test.ts', 'test/reconciler/session/golden-plan.test.ts'],
  },
  { quote: '`apply/` is the engine', proofs: ['test/reconciler/apply/apply-plan.test.ts'] },
  {
    quote: '`drivers/<name>/` each own one kind of thing',
    proofs: [
      'test/reconciler/drivers/kvm/kvm-lab.test.ts',
      'test/reconciler/drivers/bandwidth/apply-shaping.test.ts',
      'test/reconciler/drivers/backup-policy/apply-policy.test.ts',
    ],
  },
  { quote: '`plan/` is pure', proofs: ['test/architecture/import-direction.test.ts', 'test/reconciler/plan/fingerprint.test.ts'] },
  { quote: '`render/` renders a plan from its JSON messages', proofs: ['test/reconciler/render/plan-render.test.ts'] },
  {
    quote: '`observe/` runs SNMP walks and the host probes',
    proofs: ['test/reconciler/observe/snmp/recorded-switches.test.ts', 'test/reconciler/observe/hosts/observe-host.test.ts'],
  },
  { quote: 'Imports run one way', proofs: ['test/architecture/import-direction.test.ts'] },
  { quote: '`npm run build` compiles to `dist/`', gap: 'the suite itself is the proof: npm test runs every file; no test checks npm scripts' },
  { quote: 'Benchmarks are scripts that print their figure', gap: 'benchmarks are scripts by design (never timed tests); no test runs them' },
];
