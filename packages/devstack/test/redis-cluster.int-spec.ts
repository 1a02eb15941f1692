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
    // Replication is asynchronous: a failover keeps what the replica has. WAIT counts the
    // replicas that have this connection's last write, so SET and WAIT share one connection.
    const key = '{outreach}:probe';
    const master = await cluster.masterOf(key);
    expect(await cluster.script([`SET ${key} kept`, 'WAIT 1 5000'], master)).toBe('OK\n1');
    const replicas = await cluster.replicasOf(master);
    expect(replicas).toHaveLength(1);
    expect(await cluster.script(['READONLY', `GET ${key}`], replicas[0])).toBe('OK\nkept');
    const { from, to } = await cluster.killMasterOf(key);
    expect(from).toBe(master);
    expect(replicas).toContain(to);
    expect(await cluster.cli(['-c', 'GET', key], to)).toBe('kept');
  }, 60_000);
});
