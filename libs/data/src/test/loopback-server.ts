// Test helper: an HTTP server on 127.0.0.1 (port 0) serving canned responses. Never any other address.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers for a path. */
export type Route =
  | { kind: 'ok'; body: Uint8Array } // 200 with Content-Length
  | { kind: 'truncated'; body: Uint8Array; sendBytes: number } // declares body.length, sends sendBytes, then drops the socket
  | { kind: 'status'; code: number } // an HTTP error
  | { kind: 'stall'; body: Uint8Array; sendBytes: number }; // declares body.length, sends sendBytes, then goes silent

/** A running loopback server. */
export interface LoopbackServer {
  /** Base URL with trailing slash, e.g. http://127.0.0.1:40123/ */
  url: string;
  /** Requests seen, by path. */
  hits: string[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port chosen by the OS. */
export async function startLoopbackServer(routes: Record<string, Route>): Promise<LoopbackServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    switch (route.kind) {
      case 'ok':
        res.writeHead(200, { 'content-length': route.body.length }).end(route.body);
        return;
      case 'truncated':
        res.writeHead(200, { 'content-length': route.body.length });
        res.write(route.body.subarray(0, route.sendBytes), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      case 'status':
        res.writeHead(route.code).end(`error ${route.code}`);
        return;
      case 'stall':
        res.writeHead(200, { 'content-length': route.body.length });
        res.write(route.body.subarray(0, route.sendBytes));
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A loopback URL on which nothing listens (a port the OS gave us, then closed): "no network". */
export async function deadLoopbackUrl(): Promise<string> {
  const s = await startLoopbackServer({});
  await s.close();
  return s.url;
}
