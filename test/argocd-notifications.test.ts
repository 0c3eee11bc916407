import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expandApplicationSets, readTree, type ExpandedApplication } from '../generator/checks/argocd-expand';
import { renderGoTemplate } from '../generator/checks/go-template';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import {
  COMMENT_TAG,
  GITHUB_APP_KEYS,
  NOTIFICATIONS_SECRET,
  notificationsValues,
  STATUS_TRIGGER,
  type NotificationTemplate,
  type TriggerCondition,
} from '../platform/argocd-notifications';
import { evaluateExpr, ExprError } from './support/expr-subset';
import { REPO } from './support/fleet';

/**
 * The notification configuration as the fleet renders it (the committed values.yaml of the argocd module, which the
 * golden test keeps equal to a regenerate), fed sample Application states as Argo CD's notifications controller would:
 * each trigger condition evaluated on `{app}` (test/support/expr-subset.ts, the expr the conditions use), the
 * template it sends rendered with Go template semantics (generator/checks/go-template.ts, which errors on a missing
 * key where the engine would print "<no value>") on `{app, context, serviceType}`.
 */
const values = parse(readFileSync(join(REPO, 'clusters/prod-use1/platform/argocd/values.yaml'), 'utf-8'));
const notifications = values.notifications as {
  argocdUrl: string;
  secret: { create: boolean; name: string };
  notifiers: Record<string, string>;
  subscriptions: { recipients: string[]; triggers: string[]; selector: string }[];
  templates: Record<string, string>;
  triggers: Record<string, string>;
};
const triggers = parse(notifications.triggers[`trigger.${STATUS_TRIGGER}`]) as TriggerCondition[];
const templates = Object.fromEntries(
  Object.entries(notifications.templates).map(([key, text]) => [
    key.replace(/^template\./, ''),
    parse(text) as NotificationTemplate,
  ]),
);

const applications = expandApplicationSets(readTree(REPO)).applications.filter(
  (a) => a.cluster === 'prod-use1' && a.application.metadata.labels?.['mlops-fleet.io/workload'],
);
const SHA = '3f2c1e9b8a7d6c5b4a39281706f5e4d3c2b1a098';

type Health = 'Healthy' | 'Progressing' | 'Suspended' | 'Degraded' | 'Missing';
/** An Application as the API returns it, with the status fields Argo CD v3.4.4 sets during and after a sync. */
function withState(expanded: ExpandedApplication, phase: 'Running' | 'Succeeded' | 'Failed' | null, health: Health) {
  const app = structuredClone(expanded.application) as Record<string, unknown> & ExpandedApplication['application'];
  const source = app.spec.source;
  app.status = {
    sync: { status: phase === 'Succeeded' ? 'Synced' : 'OutOfSync', revision: SHA },
    health: { status: health, lastTransitionTime: '2026-12-05T10:01:00Z' },
    ...(phase
      ? {
          operationState: {
            phase,
            message: phase === 'Failed' ? 'one or more objects failed to apply' : 'successfully synced',
            startedAt: '2026-12-05T10:00:00Z',
            operation: { sync: { revision: SHA }, initiatedBy: { automated: true } },
            // controller/sync.go sets the result's revision as the sync starts
            syncResult: { revision: SHA, source },
          },
        }
      : {}),
  };
  return app;
}

interface Sent {
  template: string;
  state: string;
  label: string;
  targetURL: string;
  description: string;
  repoURL: string;
  revision: string;
  comment: string;
}

/** What the controller sends for one Application state: the templates of the conditions that hold, rendered. */
function notify(app: Record<string, unknown>): Sent[] {
  const sent: Sent[] = [];
  for (const condition of triggers) {
    let holds = false;
    try {
      holds = evaluateExpr(condition.when, { app }) === true;
    } catch (error) {
      // the engine logs a condition that fails to evaluate and counts it as false (pkg/triggers/service.go)
      if (!(error instanceof ExprError)) throw error;
    }
    if (!holds) continue;
    expect(evaluateExpr(condition.oncePer, { app })).toBe(SHA);
    for (const name of condition.send) {
      const template = templates[name];
      const vars = { app, context: { argocdUrl: notifications.argocdUrl }, serviceType: 'github' };
      const render = (text: string) => renderGoTemplate(text, vars);
      const github = template.github;
      sent.push({
        template: name,
        state: render(github.status.state),
        label: render(github.status.label),
        targetURL: render(github.status.targetURL),
        description: render(template.message),
        repoURL: render(github.repoURLPath),
        revision: render(github.revisionPath),
        // pkg/services/github.go appends the tag to the content, the marker it finds the comment by
        comment:
          `${render(github.pullRequestComment.content)}\n` +
          `<!-- argocd-notifications ${github.pullRequestComment.commentTag} -->`,
      });
    }
  }
  return sent;
}

describe('Argo CD Notifications: status back on the pull request', () => {
  it('is configured in argocd-notifications-cm with the GitHub App by reference only', () => {
    expect(notifications.argocdUrl).toBe('https://argocd.prod-use1.acme.dev');
    // the chart creates no Secret: the one created out of band holds the App's credentials
    expect(notifications.secret).toEqual({ create: false, name: NOTIFICATIONS_SECRET });
    expect(parse(notifications.notifiers['service.github'])).toEqual({
      appID: `$${GITHUB_APP_KEYS.appID}`,
      installationID: `$${GITHUB_APP_KEYS.installationID}`,
      privateKey: `$${GITHUB_APP_KEYS.privateKey}`,
    });
    expect(notifications.subscriptions).toEqual([
      { recipients: ['github'], triggers: [STATUS_TRIGGER], selector: 'mlops-fleet.io/workload in (run,service)' },
    ]);
    // every template a condition sends exists, and every template is sent by one
    const sentNames = triggers.flatMap((t) => t.send);
    expect([...sentNames].sort()).toEqual(Object.keys(templates).sort());
    // a cluster without an Argo CD address to link to renders none
    const spec = parse(readFileSync(join(REPO, 'clusters/prod-use1/cluster.yaml'), 'utf-8')) as ClusterSpec;
    expect(notificationsValues({ ...spec, argocd: { ...spec.argocd, url: undefined } })).toBeUndefined();
  });

  it('subscribes every run and service Application the ApplicationSets generate, and nothing else', () => {
    const [, key, set] = /^(\S+) in \(([^)]*)\)$/.exec(notifications.subscriptions[0].selector)!;
    const selected = (labels: Record<string, string> = {}) => set.split(',').includes(labels[key]);
    const all = expandApplicationSets(readTree(REPO)).applications.filter((a) => a.cluster === 'prod-use1');
    const workloads = all.filter((a) => selected(a.application.metadata.labels));
    expect(workloads.map((a) => a.applicationSet).sort()).toEqual(applications.map((a) => a.applicationSet).sort());
    expect(new Set(workloads.map((a) => a.applicationSet))).toEqual(new Set(['prod-use1-runs', 'prod-use1-services']));
    expect(all.length).toBeGreaterThan(workloads.length);
  });

  const run = () => applications.find((a) => a.applicationSet === 'prod-use1-runs')!;
  const service = () => applications.find((a) => a.applicationSet === 'prod-use1-services')!;

  it.each([
    ['syncing', 'Running', 'Missing', 'fleet-syncing', 'pending', 'syncing'],
    ['sync failed', 'Failed', 'Missing', 'fleet-sync-failed', 'error', 'sync failed'],
    ['queued by Kueue', 'Succeeded', 'Suspended', 'fleet-queued', 'pending', 'synced, waiting for admission'],
    ['running', 'Succeeded', 'Progressing', 'fleet-progressing', 'pending', 'synced, running (Progressing)'],
    ['succeeded', 'Succeeded', 'Healthy', 'fleet-healthy', 'success', 'synced and Healthy'],
    ['failed', 'Succeeded', 'Degraded', 'fleet-degraded', 'failure', 'synced, Degraded'],
  ] as const)('a run %s: one status and the comment', (_, phase, health, template, state, summary) => {
    const expanded = run();
    const name = expanded.application.metadata.name;
    const sent = notify(withState(expanded, phase, health));
    expect(sent.map((s) => s.template)).toEqual([template]);
    const [s] = sent;
    expect(s.state).toBe(state);
    expect(s.label).toBe(`argocd/${name}`);
    expect(s.targetURL).toBe(`https://argocd.prod-use1.acme.dev/applications/argocd/${name}`);
    expect(s.repoURL).toBe('https://github.com/acme/eks-mlops-fleet.git');
    expect(s.revision).toBe(SHA);
    expect(s.description).toContain(`${name}: ${summary}`);
    // GitHub refuses a description over 140 characters; the engine cuts it, ours fit
    expect(s.description.length).toBeLessThanOrEqual(140);
    expect(s.comment).toContain(`**${name}**: ${summary}`);
    expect(s.comment).toContain(`| ${phase === 'Succeeded' ? 'Synced' : 'OutOfSync'} | ${health} | ${SHA} |`);
    expect(s.comment).toContain(`[Open ${name} in Argo CD](${s.targetURL})`);
    expect(s.comment.endsWith(`<!-- argocd-notifications ${COMMENT_TAG} -->`)).toBe(true);
  });

  it('a service reports the same way, a never-synced Application nothing', () => {
    const expanded = service();
    const name = expanded.application.metadata.name;
    const [healthy] = notify(withState(expanded, 'Succeeded', 'Healthy'));
    expect(healthy).toMatchObject({ template: 'fleet-healthy', state: 'success', label: `argocd/${name}` });
    // created by the ApplicationSet, not yet synced: no operationState, every condition false (none in error)
    const fresh = withState(expanded, null, 'Missing');
    for (const condition of triggers) expect(evaluateExpr(condition.when, { app: fresh })).toBe(false);
    expect(notify(fresh)).toEqual([]);
  });

  it('the conditions exclude each other, so one state gives one status', () => {
    const phases = ['Running', 'Succeeded', 'Failed', null] as const;
    const healths = ['Healthy', 'Progressing', 'Suspended', 'Degraded', 'Missing'] as const;
    for (const phase of phases) {
      for (const health of healths) {
        expect(notify(withState(run(), phase, health)).length, `${phase} ${health}`).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("the test's expr subset", () => {
  it('follows expr on nil, missing keys, optional chaining and what it does not know', () => {
    const app = { status: { operationState: null, health: { status: 'Healthy' } } };
    expect(evaluateExpr('app.status.operationState?.syncResult?.revision', { app })).toBeNull();
    expect(() => evaluateExpr('app.status.operationState.phase', { app })).toThrow('cannot fetch phase from <nil>');
    expect(
      evaluateExpr("app.status.missing == nil and app.status.health.status in ['Degraded', 'Healthy']", { app }),
    ).toBe(true);
    expect(evaluateExpr("app.status.operationState != nil and app.status.operationState.phase == 'x'", { app })).toBe(
      false,
    );
    expect(evaluateExpr("not (app.status.health.status == 'Healthy') or false", { app })).toBe(false);
    expect(() => evaluateExpr('len(app.status) > 1', { app })).toThrow(ExprError);
  });
});
