import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchPost } from '#lib/top/dispatch-post.ts';
import { runtimeAgentClass } from '#lib/top/runtime-undici.ts';

// Taken before the undici package loads: loading it first would make its Agent the global one.
const RuntimeAgent = runtimeAgentClass();
const { Agent } = await import('undici');

// A loopback server: `/echo` answers the form it read, `/stall` sends its headers and never ends.
let server: Server;
let origin: string;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(body);
      if (request.url === '/stall') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"partial":');
        return;
      }
      response.writeHead(201, { 'content-type': 'application/json', 'keep-alive': 'timeout=7' });
      response.end(JSON.stringify({ form: body, type: request.headers['content-type'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const agentOptions = {
  connections: 4,
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 10_000,
  keepAliveTimeoutThreshold: 1_000,
  headersTimeout: 10_000,
  bodyTimeout: 10_000,
  connect: { timeout: 10_000 },
};

// Each undici this project meets: the runtime's own (older handler hooks before undici 7), and the
// package (undici 7), driven with both kinds of hooks as Node 20–22 and Node 24 would.
const engines = [
  {
    name: "the runtime's undici",
    agent: () => new RuntimeAgent(agentOptions),
    newHandlers: undefined,
  },
  { name: 'undici 7 with the older hooks', agent: () => new Agent(agentOptions), newHandlers: false },
  { name: 'undici 7 with the newer hooks', agent: () => new Agent(agentOptions), newHandlers: true },
];

describe.each(engines)('dispatchPost on $name', ({ agent: makeAgent, newHandlers }) => {
  const post = (path: string, signal: AbortSignal, agent = makeAgent()) =>
    dispatchPost(agent, new URL(path, origin), 'a=1&b=%E4%B8%AD', signal, newHandlers).finally(() =>
      agent.destroy(),
    );

  it('posts the form and reads the status, the whole body and the Keep-Alive header', async () => {
    const answer = await post('/echo', AbortSignal.timeout(5_000));

    expect(answer.status).toBe(201);
    expect(answer.keepAlive).toBe('timeout=7');
    expect(JSON.parse(answer.body)).toEqual({
      form: 'a=1&b=%E4%B8%AD',
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
    });
  });

  it('rejects with the deadline when the body stalls, and does not wait for the body timeout', async () => {
    const signal = AbortSignal.timeout(200);

    const failure = await post('/stall', signal).catch((error: unknown) => error);

    expect(failure).toBe(signal.reason);
    expect((failure as Error).name).toBe('TimeoutError');
  });

  it('writes nothing when the signal fired before the call', async () => {
    const before = received.length;
    const controller = new AbortController();
    controller.abort(new Error('too late'));

    await expect(post('/echo', controller.signal)).rejects.toThrow('too late');
    expect(received).toHaveLength(before);
  });
});

describe('runtimeAgentClass', () => {
  it("is the class of the global dispatcher Node runs fetch on, not the undici package's", () => {
    const holder = globalThis as unknown as Record<symbol, object>;
    const global =
      holder[Symbol.for('undici.globalDispatcher.2')] ?? holder[Symbol.for('undici.globalDispatcher.1')];

    expect(runtimeAgentClass()).toBe(global?.constructor);
    expect(runtimeAgentClass()).not.toBe(Agent);
  });
});
