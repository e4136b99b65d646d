import type { Server } from 'node:net';

/** Another process already listens on the port asked for. */
export class PortInUseError extends Error {
  readonly host: string;
  readonly port: number;
  /** The variable that sets the port, when the caller knows it: the message then says to change it. */
  readonly variable: string | undefined;
  constructor(host: string, port: number, variable?: string, options?: ErrorOptions) {
    const advice = variable ? `: set ${variable} to another port (0 picks a free one)` : '';
    super(`port ${port} is in use${advice}`, options);
    this.name = 'PortInUseError';
    this.host = host;
    this.port = port;
    this.variable = variable;
  }
}

/** `server.listen`, resolved once it listens; a port already taken rejects with {@link PortInUseError}. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new PortInUseError(host, port, undefined, { cause: error }) : error,
      );
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
