import { RedisCluster } from '../src/redis-cluster.js';

describe('RedisCluster (three masters, one replica each)', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
  }, 60_000);

  afterAll(async () => {
    await cluster.stop();
  });

  it('forms a cluster of six nodes whose slots are all served', async () => {
    expect(cluster.nodesVariable.split(',')).toHaveLength(6);
    const info = await cluster.cli(['CLUSTER', 'INFO']);
    expect(info).toContain('cluster_state:ok');
    expect(info).toContain('cluster_slots_assigned:16384');
    expect(info).toContain('cluster_size:3');
  });

  it('keys with one hash tag share a slot; a killed master is replaced by its replica', async () => {
    const a = await cluster.cli(['CLUSTER', 'KEYSLOT', '{outreach}:outreach.delivery:wait']);
    const b = await cluster.cli(['CLUSTER', 'KEYSLOT', '{outreach}:outreach.imports:meta']);
    expect(a).toBe(b);
    expect(await cluster.cli(['-c', 'SET', '{outreach}:probe', 'kept'])).toBe('OK');
    await cluster.cli(['-c', 'WAIT', '1', '2000']).catch(() => '');
    const { from, to } = await cluster.killMasterOf('{outreach}:probe');
    expect(to).not.toBe(from);
    expect(await cluster.cli(['-c', 'GET', '{outreach}:probe'], to)).toBe('kept');
  }, 60_000);
});
