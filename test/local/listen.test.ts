import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalGateway } from '#local/gateway/server.ts';
import { listen, PortInUseError } from '#local/listen.ts';
import { startTopSimulator } from '#local/top-sim/server.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  }
});

/** A port something already listens on. */
async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await listen(server, 0, '127.0.0.1');
  return (server.address() as AddressInfo).port;
}

describe('listen', () => {
  it('resolves once the server listens', async () => {
    const server = createServer();
    servers.push(server);

    await listen(server, 0, '127.0.0.1');

    expect(server.listening).toBe(true);
  });

  it('rejects with PortInUseError, naming the port, when another server has it', async () => {
    const port = await takenPort();
    const server = createServer();
    servers.push(server);

    const error = await listen(server, port, '127.0.0.1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ port, host: '127.0.0.1', message: `port ${port} is in use` });
    expect((error as Error).cause).toMatchObject({ code: 'EADDRINUSE' });
  });

  it('passes any other failure on as it is', async () => {
    const server = createServer();
    servers.push(server);

    // TEST-NET-3: not an address of this machine.
    await expect(listen(server, 0, '203.0.113.1')).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
  });
});

describe('PortInUseError', () => {
  it('says which variable to change, when told', () => {
    expect(new PortInUseError('127.0.0.1', 3000, 'PORT').message).toBe(
      'port 3000 is in use: set PORT to another port (0 picks a free one)',
    );
  });
});

describe('a port in use', () => {
  it('fails the local gateway and the simulator with PortInUseError', async () => {
    const port = await takenPort();

    await expect(startLocalGateway({ routes: [], port })).rejects.toBeInstanceOf(PortInUseError);
    await expect(
      startTopSimulator({ port, appKey: 'app', appSecret: 'secret', sessions: [] }),
    ).rejects.toMatchObject({ name: 'PortInUseError', port });
  });
});
