/**
 * Argo CD Notifications for the fleet's runs and services: each one's sync and health reported to GitHub as a
 * commit status on the commit Argo CD synced, and as one pull request comment, updated, on the pull request that
 * commit belongs to. Rendered into the argocd module's Helm values (chart argo-cd 10.1.1,
 * templates/argocd-configs/argocd-notifications-cm.yaml writes `notifiers`, `subscriptions`, `templates` and
 * `triggers` into the ConfigMap argocd-notifications-cm).
 *
 * What the engine does with it (argoproj/notifications-engine at the commit Argo CD v3.4.4 pins, 1dbe3de712f8,
 * pkg/services/github.go): the status goes to `repoURLPath`'s repository at `revisionPath`'s commit, with the
 * template's `message` as its description (cut at 140 characters); the comment goes to every pull request GitHub
 * lists for that commit (`ListPullRequestsWithCommit`), and replaces the comment carrying the same `commentTag`.
 * The tag is not a template in that version (copied as written), so a pull request has one fleet comment, showing the
 * last notification; every Application keeps its own status context.
 *
 * The commit: `.app.status.operationState.syncResult.revision`, the revision of the Application's last sync. A run's
 * folder is new in exactly one commit (its name carries the recipe's hash), so its first sync is of the merge commit
 * that added it, unless another merge landed before Argo CD saw it (then the status and comment go to that later
 * commit). A service syncs again when a pull request (such as `promote`'s) changes its folder, and reports to it.
 */
import { stringify } from 'yaml';
import type { ClusterSpec } from '../generator/model/cluster-spec';
import { LABEL_PREFIX } from '../generator/model/k8s-object';

/** The Secret the notifications controller reads, created out of band (README: "Status on the pull request"). */
export const NOTIFICATIONS_SECRET = 'argocd-notifications-secret';
/** The keys of that Secret the GitHub service reads: the GitHub App's id, installation id and private key. */
export const GITHUB_APP_KEYS = {
  appID: 'github-appID',
  installationID: 'github-installationID',
  privateKey: 'github-privateKey',
} as const;
/** The one trigger the fleet's Applications are subscribed to. */
export const STATUS_TRIGGER = 'fleet-status';
/** Marks the fleet's comment on a pull request, so each notification replaces it. */
export const COMMENT_TAG = 'mlops-fleet-status';
/** The label the runs and services ApplicationSets put on every Application they generate. */
const WORKLOAD_LABEL = `${LABEL_PREFIX}/workload`;

const REVISION = '{{.app.status.operationState.syncResult.revision}}';
const APP_LINK = '{{.context.argocdUrl}}/applications/{{.app.metadata.namespace}}/{{.app.metadata.name}}';

/** A GitHub commit status state (POST /repos/{owner}/{repo}/statuses/{sha}). */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

interface StatusTemplate {
  readonly name: string;
  readonly state: CommitState;
  /** What happened, after the Application's name; the status description and the comment's first line. */
  readonly summary: string;
  /** The expr condition (github.com/expr-lang/expr) on the Application that sends it. */
  readonly when: string;
}

const SYNCED = "app.status.operationState != nil and app.status.operationState.phase == 'Succeeded'";

/**
 * One condition per state, in the order a run passes them. Each sends once per synced revision
 * (`oncePer`), so a run reports syncing, queued, running and its end once for the commit that added it.
 */
export const STATUS_TEMPLATES: readonly StatusTemplate[] = [
  {
    name: 'fleet-syncing',
    state: 'pending',
    summary: 'syncing',
    when: "app.status.operationState != nil and app.status.operationState.phase == 'Running'",
  },
  {
    name: 'fleet-sync-failed',
    state: 'error',
    summary: 'sync failed',
    when: "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
  },
  {
    // the fleet's Job health check (generator/argocd/health/) reports a Job Kueue has not admitted as Suspended
    name: 'fleet-queued',
    state: 'pending',
    summary: 'synced, waiting for admission (Suspended)',
    when: `${SYNCED} and app.status.health.status == 'Suspended'`,
  },
  {
    name: 'fleet-progressing',
    state: 'pending',
    summary: 'synced, running (Progressing)',
    when: `${SYNCED} and app.status.health.status == 'Progressing'`,
  },
  {
    name: 'fleet-healthy',
    state: 'success',
    summary: 'synced and Healthy',
    when: `${SYNCED} and app.status.health.status == 'Healthy'`,
  },
  {
    name: 'fleet-degraded',
    state: 'failure',
    summary: 'synced, Degraded',
    when: `${SYNCED} and app.status.health.status in ['Degraded', 'Missing']`,
  },
];

/** The Go template (text/template) of one notification: message and the GitHub service's fields. */
export interface NotificationTemplate {
  readonly message: string;
  readonly github: {
    readonly repoURLPath: string;
    readonly revisionPath: string;
    readonly status: { readonly state: string; readonly label: string; readonly targetURL: string };
    readonly pullRequestComment: { readonly content: string; readonly commentTag: string };
  };
}

export interface TriggerCondition {
  readonly when: string;
  readonly oncePer: string;
  readonly send: readonly string[];
  readonly description: string;
}

/**
 * The templates use field chains only (no conditionals, no functions): the state is chosen by the trigger's
 * condition, so what each renders can be checked with the generator's Go template evaluator
 * (generator/checks/go-template.ts), which refuses anything it does not evaluate as Go does.
 */
export function notificationTemplate(t: StatusTemplate): NotificationTemplate {
  return {
    message: `{{.app.metadata.name}}: ${t.summary}`,
    github: {
      repoURLPath: '{{.app.spec.source.repoURL}}',
      revisionPath: REVISION,
      status: { state: t.state, label: 'argocd/{{.app.metadata.name}}', targetURL: APP_LINK },
      pullRequestComment: {
        content: [
          `**{{.app.metadata.name}}**: ${t.summary}`,
          '',
          '| sync | health | revision |',
          '|---|---|---|',
          `| {{.app.status.sync.status}} | {{.app.status.health.status}} | ${REVISION} |`,
          '',
          `[Open {{.app.metadata.name}} in Argo CD](${APP_LINK})`,
          '',
        ].join('\n'),
        commentTag: COMMENT_TAG,
      },
    },
  };
}

export function statusTrigger(): TriggerCondition[] {
  return STATUS_TEMPLATES.map((t) => ({
    description: `${t.summary}: GitHub status ${t.state}`,
    when: t.when,
    oncePer: 'app.status.operationState?.syncResult?.revision',
    send: [t.name],
  }));
}

/**
 * The `notifications` values of the argo-cd chart, or none when the cluster names no Argo CD address to link to.
 * The GitHub App's id, installation id and private key are `$key` references the engine resolves from the Secret
 * (pkg/api/config.go, replaceServiceConfigSecrets); the chart does not create that Secret.
 */
export function notificationsValues(cluster: ClusterSpec): Record<string, unknown> | undefined {
  if (!cluster.argocd.url) return undefined;
  const yamlBlock = (value: unknown) => stringify(value, { lineWidth: 0 });
  return {
    argocdUrl: cluster.argocd.url,
    secret: { create: false, name: NOTIFICATIONS_SECRET },
    notifiers: {
      'service.github': Object.entries(GITHUB_APP_KEYS)
        .map(([field, key]) => `${field}: $${key}\n`)
        .join(''),
    },
    subscriptions: [
      { recipients: ['github'], triggers: [STATUS_TRIGGER], selector: `${WORKLOAD_LABEL} in (run,service)` },
    ],
    templates: Object.fromEntries(
      STATUS_TEMPLATES.map((t) => [`template.${t.name}`, yamlBlock(notificationTemplate(t))]),
    ),
    triggers: { [`trigger.${STATUS_TRIGGER}`]: yamlBlock(statusTrigger()) },
  };
}
