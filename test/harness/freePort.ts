import net from 'node:net';
import http from 'node:http';

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * An HTTP server already listening on a port the OS picked, with no handler yet.
 * Callers that must know their address before the app exists (config, sinks'
 * callbacks) hold the port from the start; with `freePort` another process
 * started in between (the Temporal dev server picks its own ports) could take it.
 */
export function listeningPlaceholder(): Promise<{ server: http.Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}
