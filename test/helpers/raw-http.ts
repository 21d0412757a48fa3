// Requests fetch cannot send: headers that promise a body which never (fully) arrives. The
// answer is read as soon as it is complete, so a service that waits for the body before
// answering is caught by the deadline, not by a hanging test.
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
  ms: number;
}

/**
 * Sends `head` (the request line and headers, no blank line) and then `body`, keeps the socket
 * open, and resolves with the first complete answer; rejects after `deadlineMs`.
 */
export function rawRequest(baseUrl: string, head: string[], body: string | Buffer = '', deadlineMs = 3_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${deadlineMs} ms (got ${JSON.stringify(got.toString('latin1').slice(0, 200))})`));
    }, deadlineMs);
    const done = (answer: RawAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = got.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? 0);
      const rest = got.subarray(end + 4);
      if (rest.length < length) return;
      const text = rest.subarray(0, length).toString('utf8');
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      done({ status: Number(statusLine.split(' ')[1]), headers, body: parsed, ms: Date.now() - started });
    });
    socket.write(`${[...head, `host: ${hostname}:${port}`].join('\r\n')}\r\n\r\n`);
    if (body.length) socket.write(body);
  });
}
