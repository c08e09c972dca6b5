// The cluster option is checked at start like every other option, and a cluster that cannot be reached fails the
// start with a typed error. No nats-server needed.
import { describe, expect, it } from 'vitest';
import { ActorSystem, InvalidConfigError } from '../../src/index.js';

describe('cluster options', () => {
  it('fails the start with InvalidConfigError listing every problem of the cluster option', async () => {
    const err = await ActorSystem.start({
      mode: 'inline',
      cluster: {
        name: 'has.dots',
        nodeId: 'a b',
        nats: { servers: [] as unknown as string[] },
        heartbeatIntervalMs: 3000,
        failureTimeoutMs: 4000,
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidConfigError);
    const paths = (err as InvalidConfigError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['cluster.heartbeatIntervalMs', 'cluster.name', 'cluster.nats.servers', 'cluster.nodeId']);
    expect((err as Error).message).toMatch(/subject token/);
  });

  it('refuses an unknown cluster option and a cluster without nats', async () => {
    const err = await ActorSystem.start({ mode: 'inline', cluster: { name: 'c', nat: {} } as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect((err as InvalidConfigError).issues.map((i) => i.path).sort()).toEqual(['cluster', 'cluster.nats']);
  });

  it('fails the start with TransportUnavailableError when NATS cannot be reached, naming the server', async () => {
    const err = await ActorSystem.start({
      mode: 'inline',
      cluster: { name: 'c', nodeId: 'n', nats: { servers: 'nats://127.0.0.1:1' } },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_TRANSPORT_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1/);
  });
});
