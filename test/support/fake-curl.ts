import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A `curl` for the platform Jobs' shell scripts, put first on PATH: it answers the Kubernetes API calls (a Secret
 * read and created) and the Determined master's (login, user by name, password change) from a JSON state file, and
 * records each call. It reads the flags the scripts pass: -X, -H, --data-binary (@- or @file or text), -o, -w.
 */
const FAKE = String.raw`#!/usr/bin/env node
const fs = require('fs');
const crypto = require('crypto');
const state = JSON.parse(fs.readFileSync(process.env.FAKE_STATE, 'utf-8'));
const args = process.argv.slice(2);
let method = 'GET', data, out, format, url;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-X') method = args[++i];
  else if (a === '--data-binary') data = args[++i];
  else if (a === '-o') out = args[++i];
  else if (a === '-w') format = args[++i];
  else if (a === '-H' || a === '--cacert') i++;
  else if (!a.startsWith('-')) url = a;
}
if (data === '@-') data = fs.readFileSync(0, 'utf-8');
else if (data && data.startsWith('@')) data = fs.readFileSync(data.slice(1), 'utf-8');
if (data !== undefined && method === 'GET') method = 'POST';
const path = new URL(url).pathname;
state.calls.push({ method, path, body: data === undefined ? undefined : JSON.parse(data) });
const hash = (p) => crypto.createHash('sha512').update('GubPEmmotfiK9TMD6Zdw' + p).digest('hex');
let code = 404, body = '{"message":"not found"}';
let m;
if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(path)) && method === 'GET') {
  const secret = state.secrets[m[2]];
  if (secret) {
    code = 200;
    const encoded = Object.fromEntries(
      Object.entries(secret.stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    );
    body = JSON.stringify({ kind: 'Secret', metadata: secret.metadata, data: encoded }, null, 2);
  }
} else if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(path)) && method === 'POST') {
  const secret = JSON.parse(data);
  if (state.secrets[secret.metadata.name]) code = 409;
  else { state.secrets[secret.metadata.name] = secret; code = 201; body = data; }
} else if (path === '/api/v1/auth/login') {
  const { username, password, isHashed } = JSON.parse(data);
  const user = state.users[username];
  if (isHashed && user && user.hash === password) {
    code = 200;
    body = JSON.stringify({ token: 'token-' + username, user: { id: user.id } });
  } else {
    code = 401;
    body = '{"error":{"error":"invalid credentials"},"code":16,"message":"invalid credentials"}';
  }
} else if ((m = /^\/api\/v1\/users\/([^/]+)\/by-username$/.exec(path))) {
  const user = state.users[m[1]];
  if (user) {
    code = 200;
    body = JSON.stringify({ user: { id: user.id, username: m[1], admin: m[1] === 'admin', active: true } });
  }
} else if ((m = /^\/api\/v1\/users\/(\d+)$/.exec(path)) && method === 'PATCH') {
  const entry = Object.entries(state.users).find(([, u]) => String(u.id) === m[1]);
  const { password, isHashed } = JSON.parse(data);
  if (entry && isHashed) { entry[1].hash = password; code = 200; body = '{}'; }
}
fs.writeFileSync(process.env.FAKE_STATE, JSON.stringify(state));
if (out !== '/dev/null') process.stdout.write(body);
if (format) process.stdout.write(format.replace('%{http_code}', String(code)));
`;

/** A folder with the fake curl, and the service account files the scripts read. */
export function fakeCurl(dir: string): { bin: string; serviceAccount: string } {
  const bin = join(dir, 'bin');
  const serviceAccount = join(dir, 'serviceaccount');
  mkdirSync(bin, { recursive: true });
  mkdirSync(serviceAccount, { recursive: true });
  writeFileSync(join(bin, 'curl'), FAKE);
  chmodSync(join(bin, 'curl'), 0o755);
  writeFileSync(join(serviceAccount, 'token'), 'sa-token');
  writeFileSync(join(serviceAccount, 'ca.crt'), '');
  return { bin, serviceAccount };
}
