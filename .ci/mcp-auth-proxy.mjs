// Forwards http://127.0.0.1:<listen>/mcp to <target>/mcp with "Authorization: Bearer <token>" added, streaming both
// ways. For MCP clients that cannot send a header (the conformance runner); the server itself never accepts
// anonymous calls. Usage: node mcp-auth-proxy.mjs <listen-port> <target-base-url> <token>
import http from 'node:http';

const [listen, target, token] = process.argv.slice(2);
const upstream = new URL(target);
http.createServer((req, res) => {
  const headers = { ...req.headers, host: upstream.host, authorization: `Bearer ${token}` };
  const forward = http.request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
    (answer) => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); });
  forward.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
  req.pipe(forward);
}).listen(Number(listen), '127.0.0.1');
