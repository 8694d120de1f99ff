import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { bulkWalk } from '../../../../reconciler/transports/snmp/bulk-walk.js';
import { openSession, type SnmpSession } from '../../../../reconciler/transports/snmp/snmp-session.js';
import { freeUdpPort } from '../../../lab/daemon.js';
import { type Snmpd, startSnmpd } from '../../../lab/snmpd.js';

const IF_DESCR = '1.3.6.1.2.1.2.2.1.2';
const OR_DESCR = '1.3.6.1.2.1.1.9.1.3'; // sysORDescr: snmpd always has a dozen rows

describe('GetBulk walks against a real snmpd', () => {
  let snmpd: Snmpd;
  let session: SnmpSession;
  before(async () => {
    snmpd = await startSnmpd({ port: await freeUdpPort(), community: 'walker' });
    session = openSession({ version: '2c', host: snmpd.host, port: snmpd.port, community: 'walker', timeoutMs: 5000, retries: 2 });
  });
  after(async () => {
    session?.close();
    await snmpd?.stop();
  });

  test('reads a whole column with one request per maxRepetitions rows', async () => {
    const walk = await bulkWalk(session, OR_DESCR, { maxRepetitions: 3, maxRows: 1000 });
    assert.equal(walk.end, 'complete');
    assert.ok(walk.varbinds.length >= 5, `${walk.varbinds.length} rows`);
    assert.ok(walk.varbinds.every((v) => v.oid.startsWith(`${OR_DESCR}.`) && v.value.kind === 'octets'));
    // GetNext would need one request per row; GetBulk needs rows / 3 plus the last one.
    assert.ok(walk.requests <= Math.ceil(walk.varbinds.length / 3) + 1, `${walk.requests} requests`);
  });

  test('the same rows whatever the repetitions, in increasing order', async () => {
    const one = await bulkWalk(session, OR_DESCR, { maxRepetitions: 1, maxRows: 1000 });
    const many = await bulkWalk(session, OR_DESCR, { maxRepetitions: 50, maxRows: 1000 });
    assert.deepEqual(
      many.varbinds.map((v) => v.oid),
      one.varbinds.map((v) => v.oid),
    );
  });

  test('stops at the row limit and says so', async () => {
    const walk = await bulkWalk(session, OR_DESCR, { maxRepetitions: 10, maxRows: 2 });
    assert.equal(walk.end, 'row-limit');
    assert.equal(walk.varbinds.length, 2);
  });

  test('a column the agent does not have is complete and empty', async () => {
    const walk = await bulkWalk(session, '1.3.6.1.2.1.17.7.1.2.2.1.2', { maxRepetitions: 10, maxRows: 10 });
    assert.equal(walk.end, 'complete');
    assert.equal(walk.varbinds.length, 0);
  });

  test('a walk past the deadline sends nothing and says time ran out', async () => {
    const walk = await bulkWalk(session, IF_DESCR, { maxRepetitions: 10, maxRows: 10, deadline: Date.now() - 1 });
    assert.equal(walk.end, 'time-limit');
    assert.equal(walk.requests, 0);
  });
});
