import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseZabbixVersion, zabbixFeatures } from '../../../../reconciler/transports/zabbix/zabbix-version.js';

// The decisions the client takes from `apiinfo.version`, by release. The expected values are the
// Zabbix release notes' (what changed in which version), written out per row, not derived.
const RELEASES: Array<{
  version: string;
  credential: 'body-auth' | 'bearer-header';
  templateGroups: boolean;
  proxyField: 'proxy_hostid' | 'proxyid';
  widgetFields: 'ds-patterns-6.0' | 'ds-indexed-7.0';
}> = [
  { version: '6.0.14', credential: 'body-auth', templateGroups: false, proxyField: 'proxy_hostid', widgetFields: 'ds-patterns-6.0' },
  { version: '6.2.9', credential: 'body-auth', templateGroups: true, proxyField: 'proxy_hostid', widgetFields: 'ds-patterns-6.0' },
  { version: '6.4.0', credential: 'bearer-header', templateGroups: true, proxyField: 'proxy_hostid', widgetFields: 'ds-patterns-6.0' },
  { version: '7.0.22', credential: 'bearer-header', templateGroups: true, proxyField: 'proxyid', widgetFields: 'ds-indexed-7.0' },
  { version: '7.2.0rc1', credential: 'bearer-header', templateGroups: true, proxyField: 'proxyid', widgetFields: 'ds-indexed-7.0' },
  // Numeric, not by string prefix: "6.10" sorts before "6.4" as text.
  { version: '6.10.0', credential: 'bearer-header', templateGroups: true, proxyField: 'proxy_hostid', widgetFields: 'ds-patterns-6.0' },
  { version: '10.0.0', credential: 'bearer-header', templateGroups: true, proxyField: 'proxyid', widgetFields: 'ds-indexed-7.0' },
  { version: '5.4.12', credential: 'body-auth', templateGroups: false, proxyField: 'proxy_hostid', widgetFields: 'ds-patterns-6.0' },
];

for (const release of RELEASES) {
  test(`Zabbix ${release.version}: credential ${release.credential}, template groups ${release.templateGroups}, ${release.proxyField}, ${release.widgetFields}`, () => {
    const features = zabbixFeatures(parseZabbixVersion(release.version));
    assert.deepEqual(
      { credential: features.credential, templateGroups: features.templateGroups, proxyField: features.proxyField, widgetFields: features.widgetFields },
      { credential: release.credential, templateGroups: release.templateGroups, proxyField: release.proxyField, widgetFields: release.widgetFields },
    );
  });
}

test('an answer that is not a version is refused, not guessed', () => {
  assert.throws(() => parseZabbixVersion('<html>'), /not a version/);
  assert.throws(() => parseZabbixVersion('7'), /not a version/);
});
