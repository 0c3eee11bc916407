import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  html_url: string;
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  message: string;
}

/**
 * The part of the GitHub REST API the project uses, served from memory on 127.0.0.1 (a random port):
 * issue comments (with Link-header pagination), git refs, file contents and pull requests, plus failures
 * injected per route. Point `@octokit/rest` at `baseUrl`.
 */
export class FakeGitHub {
  readonly comments = new Map<number, FakeComment[]>();
  readonly refs = new Map<string, string>([['heads/main', 'a'.repeat(40)]]);
  /** Commits written through the Git Data API: sha -> message, parents and the files of its tree. */
  readonly commits = new Map<string, { message: string; parents: string[]; files: Map<string, string | null> }>();
  private readonly trees = new Map<string, { base: string; files: Map<string, string | null> }>();
  readonly pulls: Array<{ number: number; head: string; base: string; title: string; body: string }> = [];
  /** Runs per workflow file, newest first: the commit and the conclusion. */
  readonly workflowRuns = new Map<
    string,
    Array<{ head_sha: string; conclusion: 'success' | 'failure' | 'cancelled'; event: string; branch: string }>
  >();
  /** Every request received: `METHOD /path?query`. */
  readonly requests: string[] = [];
  private readonly failures: Failure[] = [];
  private nextId = 1000;
  private server: Server | undefined;
  baseUrl = '';

  constructor(
    readonly owner = 'acme',
    readonly repo = 'eks-mlops-fleet',
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => this.send(res, 500, { message: String(error) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The next `times` requests matching `method` and `path` answer `status`. */
  fail(method: string, path: RegExp, status: number, times = 1, message = 'injected failure') {
    this.failures.push({ method, path, status, times, message });
  }

  addComments(issue: number, bodies: string[]) {
    const list = this.comments.get(issue) ?? [];
    for (const body of bodies) list.push(this.comment(issue, body));
    this.comments.set(issue, list);
  }

  private sha(kind: string): string {
    return `${(this.nextId++).toString(16)}${kind === 'tree' ? 'e' : 'c'}`.padStart(40, '0');
  }

  private comment(issue: number, body: string): FakeComment {
    const id = this.nextId++;
    return { id, body, html_url: `https://github.com/${this.owner}/${this.repo}/pull/${issue}#issuecomment-${id}` };
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}${url.search}`);
    const failure = this.failures.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname));
    if (failure) {
      failure.times--;
      return this.send(res, failure.status, { message: failure.message });
    }
    const body = await readJson(req);
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return this.send(res, 404, { message: 'Not Found' });
    const path = url.pathname.slice(prefix.length);
    let m: RegExpMatchArray | null;

    if ((m = path.match(/^\/issues\/(\d+)\/comments$/))) {
      const issue = Number(m[1]);
      if (!this.pulls.some((p) => p.number === issue) && !this.comments.has(issue)) {
        return this.send(res, 404, { message: 'Not Found' });
      }
      const list = this.comments.get(issue) ?? [];
      if (method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(list.length / perPage));
        const links: string[] = [];
        const link = (p: number, rel: string) =>
          `<${this.baseUrl}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
        if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
        if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
        return this.send(
          res,
          200,
          list.slice((page - 1) * perPage, page * perPage),
          links.length ? { link: links.join(', ') } : {},
        );
      }
      if (method === 'POST') {
        const comment = this.comment(issue, String(body.body));
        this.comments.set(issue, [...list, comment]);
        return this.send(res, 201, comment);
      }
    }
    if ((m = path.match(/^\/issues\/comments\/(\d+)$/)) && method === 'PATCH') {
      const comment = [...this.comments.values()].flat().find((c) => c.id === Number(m![1]));
      if (!comment) return this.send(res, 404, { message: 'Not Found' });
      comment.body = String(body.body);
      return this.send(res, 200, comment);
    }
    if ((m = path.match(/^\/git\/ref\/(.+)$/)) && method === 'GET') {
      const sha = this.refs.get(decodeURIComponent(m[1]));
      return sha
        ? this.send(res, 200, { ref: `refs/${m[1]}`, object: { sha, type: 'commit' } })
        : this.send(res, 404, { message: 'Not Found' });
    }
    if (path === '/git/refs' && method === 'POST') {
      const ref = String(body.ref).replace(/^refs\//, '');
      if (this.refs.has(ref)) return this.send(res, 422, { message: 'Reference already exists' });
      this.refs.set(ref, String(body.sha));
      return this.send(res, 201, { ref: body.ref, object: { sha: body.sha, type: 'commit' } });
    }
    if ((m = path.match(/^\/actions\/workflows\/([^/]+)\/runs$/)) && method === 'GET') {
      const status = url.searchParams.get('status');
      const runs = (this.workflowRuns.get(decodeURIComponent(m[1])) ?? []).filter(
        (r) =>
          (!status || r.conclusion === status) &&
          (!url.searchParams.get('branch') || r.branch === url.searchParams.get('branch')) &&
          (!url.searchParams.get('event') || r.event === url.searchParams.get('event')),
      );
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      return this.send(res, 200, { total_count: runs.length, workflow_runs: runs.slice(0, perPage) });
    }
    if ((m = path.match(/^\/git\/commits\/([0-9a-f]{40})$/)) && method === 'GET') {
      const known = [...this.refs.values()].includes(m[1]) || this.commits.has(m[1]);
      return known
        ? this.send(res, 200, { sha: m[1], tree: { sha: `tree-of-${m[1]}` } })
        : this.send(res, 404, { message: 'Not Found' });
    }
    if (path === '/git/trees' && method === 'POST') {
      const entries = body.tree as Array<{ path: string; content?: string; sha?: string | null }>;
      const sha = this.sha('tree');
      this.trees.set(sha, {
        base: String(body.base_tree),
        files: new Map(entries.map((e) => [e.path, e.content ?? null])),
      });
      return this.send(res, 201, { sha });
    }
    if (path === '/git/commits' && method === 'POST') {
      const tree = this.trees.get(String(body.tree));
      if (!tree) return this.send(res, 422, { message: 'Tree not found' });
      const sha = this.sha('commit');
      this.commits.set(sha, { message: String(body.message), parents: body.parents as string[], files: tree.files });
      return this.send(res, 201, { sha });
    }
    if (path === '/pulls' && method === 'POST') {
      const number = this.pulls.length + 1;
      this.pulls.push({
        number,
        head: String(body.head),
        base: String(body.base),
        title: String(body.title),
        body: String(body.body),
      });
      return this.send(res, 201, { number, html_url: `https://github.com/${this.owner}/${this.repo}/pull/${number}` });
    }
    return this.send(res, 404, { message: 'Not Found' });
  }

  private send(res: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(data));
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf-8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
