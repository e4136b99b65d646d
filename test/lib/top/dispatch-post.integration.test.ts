import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchPost, PostDeadlineError } from '#lib/top/dispatch-post.ts';
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
      if (request.url === '/split') {
        // The header named in capitals, and the body in two writes that cut 中 (E4 B8 AD) in two.
        response.writeHead(200, { 'content-type': 'application/json', 'KEEP-ALIVE': 'timeout=9' });
        const bytes = Buffer.from('{"name":"中"}');
        const cut = bytes.indexOf(0xb8);
        response.write(bytes.subarray(0, cut));
        setTimeout(() => response.end(bytes.subarray(cut)), 20);
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
    agent: (options = agentOptions) => new RuntimeAgent(options),
    newHandlers: undefined,
  },
  {
    name: 'undici 7 with the older hooks',
    agent: (options = agentOptions) => new Agent(options),
    newHandlers: false,
  },
  {
    name: 'undici 7 with the newer hooks',
    agent: (options = agentOptions) => new Agent(options),
    newHandlers: true,
  },
];

describe.each(engines)('dispatchPost on $name', ({ agent: makeAgent, newHandlers }) => {
  const post = (path: string, timeoutMs: number, agent = makeAgent()) =>
    dispatchPost(agent, new URL(path, origin), 'a=1&b=%E4%B8%AD', timeoutMs, newHandlers).finally(() =>
      agent.destroy(),
    );

  it('posts the form and reads the status, the whole body and the Keep-Alive header', async () => {
    const answer = await post('/echo', 5_000);

    expect(answer.status).toBe(201);
    expect(answer.keepAlive).toBe('timeout=7');
    expect(JSON.parse(answer.body)).toEqual({
      form: 'a=1&b=%E4%B8%AD',
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
    });
  });

  it('reads a header named in any case, and a character cut across two chunks of the body', async () => {
    const answer = await post('/split', 5_000);

    expect(answer.keepAlive).toBe('timeout=9');
    expect(answer.body).toBe('{"name":"中"}');
  });

  it('rejects at the deadline when the body stalls, and does not wait for the body timeout', async () => {
    const started = performance.now();

    const failure = await post('/stall', 200).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PostDeadlineError);
    expect(failure).toMatchObject({ timeoutMs: 200 });
    // Far under the agent's 10 s body timeout: the deadline, not undici, ended it.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('drops a request still waiting for a connection when its deadline passes, writing nothing', async () => {
    const before = received.length;
    const agent = makeAgent({ ...agentOptions, connections: 1 });
    // The only connection is busy with a stalled answer, so the next request waits for it.
    const busy = dispatchPost(agent, new URL('/stall', origin), 'a=1', 500, newHandlers).catch(() => {});

    const failure = await dispatchPost(agent, new URL('/echo', origin), 'a=2', 50, newHandlers).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(PostDeadlineError);
    await busy;
    await agent.destroy();
    expect(received.slice(before)).not.toContain('a=2');
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
