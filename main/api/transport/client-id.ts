/**
 * Who a request comes from, for the queue's fairness among serve's clients: the id a studio sends
 * in x-glimmer-client (one id per studio, however many connections it opens), else the peer's
 * address. Only a short plain token is taken from the header.
 */
import type http from 'node:http';
import { CLIENT_HEADER } from '../../remote';

const TOKEN = /^[A-Za-z0-9._:-]{1,100}$/;

export function clientOf(req: http.IncomingMessage): string {
  const named = req.headers[CLIENT_HEADER];
  if (typeof named === 'string' && TOKEN.test(named)) return `studio:${named}`;
  return `peer:${req.socket.remoteAddress ?? 'unknown'}`;
}
