import { WebSocket } from 'ws';
import { startServe } from '../test/helpers/serve.ts';
const serve = await startServe();
const token = new URL(serve.openUrl).searchParams.get('token')!;
const socket = new WebSocket(`${serve.origin.replace(/^http/, 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
socket.on('error', (e) => console.log('err', e.message));
socket.on('unexpected-response', (req, res) => console.log('unexpected', res.statusCode));
socket.on('open', async () => {
  console.log('open');
  const r = await fetch(`${serve.origin}/api/call/settings.update`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ theme: 'dark' }) });
  console.log(await r.text());
  await fetch(`${serve.origin}/api/call/jobs.submit`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'text', prompt: 'x', width: 64, height: 64 }) });
});
socket.on('message', (d) => console.log('msg', String(d).slice(0, 100)));
setTimeout(async () => { await serve.stop(); process.exit(0); }, 5000);
