import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  healthVm,
  lua51Problems,
  toLua,
  type HealthCode,
  type HealthResult,
  type HealthVm,
} from './support/argocd-lua';
import { REPO } from './support/fleet';
import { compiledClusters } from './support/rendered-objects';
import {
  argocdCmHealthEntries,
  HEALTH_DIR,
  HEALTH_KEY_PREFIX,
  healthChecks,
  WORKLOAD_HEALTH,
  type HealthCheck,
} from '../generator/argocd/health-checks';
import * as k8s from '../generator/imports/k8s';
import { STEP_LABEL, SYNC_WAVE } from '../generator/workloads/pipeline';

/*
 * Each health script runs in a real Lua VM (wasmoon), set up as Argo CD v3.4.4 runs health scripts, on status
 * samples taken from the controllers' code and tests at the releases the fleet pins. Each sample says where it
 * comes from (repository, tag, file). Argo CD's own test data runs too: the InferenceService check it ships, on its
 * health_test.yaml, which also shows the VM gives Argo CD's answers; its built-in Job check's test data, on the
 * fleet's batch_Job override.
 */

let vm: HealthVm;
beforeAll(async () => {
  vm = await healthVm();
});

const ARGOCD_FIXTURES = join(__dirname, 'fixtures', 'argocd-health');

function check(key: string): HealthCheck {
  const found = healthChecks().find((c) => c.key === key);
  if (!found) throw new Error(`no health check ${key}`);
  return found;
}
const run = (key: string, obj: unknown): HealthResult => vm.run(check(key).script, obj);

type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
};
const cond = (type: string, status: Condition['status'], reason?: string, message?: string): Condition => ({
  type,
  status,
  ...(reason === undefined ? {} : { reason }),
  ...(message === undefined ? {} : { message }),
  lastTransitionTime: '2026-08-20T10:00:00Z',
});
const object = (
  apiVersion: string,
  kind: string,
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
  generation = 1,
) => ({
  apiVersion,
  kind,
  metadata: { name: 'run', namespace: 'team-a', generation },
  spec,
  ...(status === undefined ? {} : { status }),
});

interface Sample {
  readonly name: string;
  readonly obj: unknown;
  readonly expected: HealthCode;
  /** The message, when the sample pins it. */
  readonly message?: string;
}

function runSamples(key: string, samples: readonly Sample[]) {
  describe(key, () => {
    it.each(samples.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
      const result = run(key, sample.obj);
      expect(result.status).toBe(sample.expected);
      if (sample.message !== undefined) expect(result.message).toBe(sample.message);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// TrainJob: kubeflow/trainer v2.3.0. Conditions and messages from pkg/controller/trainjob_controller.go
// (setSuspendedCondition, setFailedCondition), pkg/constants/constants.go (TrainJobSuspendedMessage,
// TrainJobResumedMessage, TrainJobDeadlineExceededMessage), pkg/runtime/framework/plugins/jobset/jobset.go (Status
// copies the JobSet's Completed/Failed, jobsStatus from replicatedJobsStatus), and the expectations of
// test/integration/controller/trainjob_controller_test.go (lines 501, 518, 572-581, 694-703); JobSet reasons and
// messages from kubernetes-sigs/jobset v0.12.0 pkg/constants/constants.go.
const trainJob = (spec: Record<string, unknown>, status?: Record<string, unknown>) =>
  object('trainer.kubeflow.org/v1alpha1', 'TrainJob', { runtimeRef: { name: 'torch-distributed' }, ...spec }, status);
const suspendedTJ = cond('Suspended', 'True', 'Suspended', 'TrainJob is suspended');
const resumedTJ = cond('Suspended', 'False', 'Resumed', 'TrainJob is resumed');
const nodeJobs = (active: number, ready: number, succeeded: number, failed: number) => [
  { name: 'node', active, ready, succeeded, failed, suspended: 0 },
];

runSamples('trainer.kubeflow.org_TrainJob', [
  // Kueue's webhook sets spec.suspend before the trainer controller writes any status
  { name: 'pending: created suspended, no status yet', obj: trainJob({ suspend: true }), expected: 'Suspended' },
  {
    name: 'pending: not admitted by Kueue (integration test line 501)',
    obj: trainJob({ suspend: true }, { conditions: [suspendedTJ], jobsStatus: nodeJobs(0, 0, 0, 0) }),
    expected: 'Suspended',
    message: 'Suspended: TrainJob is suspended',
  },
  { name: 'created without Kueue: no status yet', obj: trainJob({}), expected: 'Progressing' },
  {
    name: 'admitted: resumed, JobSet not running yet (line 518)',
    obj: trainJob({ suspend: false }, { conditions: [resumedTJ] }),
    expected: 'Progressing',
    message: 'Resumed: TrainJob is resumed',
  },
  {
    name: 'admitted: spec.suspend false, Suspended still True until the controller reconciles',
    obj: trainJob({ suspend: false }, { conditions: [suspendedTJ] }),
    expected: 'Suspended',
  },
  {
    name: 'running',
    obj: trainJob({ suspend: false }, { conditions: [resumedTJ], jobsStatus: nodeJobs(2, 2, 0, 0) }),
    expected: 'Progressing',
    message: 'TrainJob is running: node: 2 active, 2 ready, 0 succeeded, 0 failed',
  },
  // a JobSet failure policy RestartJobSet recreates the jobs: the TrainJob gets no condition meanwhile
  {
    name: 'restarting: the JobSet recreates its jobs',
    obj: trainJob({}, { conditions: [resumedTJ], jobsStatus: nodeJobs(0, 0, 0, 1) }),
    expected: 'Progressing',
  },
  {
    name: 'succeeded (lines 572-581)',
    obj: trainJob(
      { suspend: false },
      {
        conditions: [resumedTJ, cond('Complete', 'True', 'AllJobsCompleted', 'jobset completed successfully')],
        jobsStatus: nodeJobs(0, 0, 2, 0),
      },
    ),
    expected: 'Healthy',
    message: 'AllJobsCompleted: jobset completed successfully',
  },
  {
    name: 'failed (lines 694-703)',
    obj: trainJob(
      { suspend: false },
      {
        conditions: [resumedTJ, cond('Failed', 'True', 'FailedJobs', 'jobset failed due to one or more job failures')],
      },
    ),
    expected: 'Degraded',
    message: 'FailedJobs: jobset failed due to one or more job failures',
  },
  {
    name: 'failed: max restarts reached',
    obj: trainJob(
      {},
      {
        conditions: [
          cond('Failed', 'True', 'ReachedMaxRestarts', 'jobset failed due to reaching max number of restarts'),
        ],
      },
    ),
    expected: 'Degraded',
  },
  {
    name: 'failed: active deadline exceeded',
    obj: trainJob(
      { activeDeadlineSeconds: 60 },
      { conditions: [resumedTJ, cond('Failed', 'True', 'DeadlineExceeded', 'TrainJob exceeded its active deadline')] },
    ),
    expected: 'Degraded',
  },
  {
    name: 'failed: runtime not supported',
    obj: trainJob(
      {},
      {
        conditions: [
          cond(
            'Failed',
            'True',
            'TrainingRuntimeNotSupported',
            'unsupported runtime: TrainingRuntime.trainer.kubeflow.org',
          ),
        ],
      },
    ),
    expected: 'Degraded',
  },
  {
    name: 'preempted by Kueue after running',
    obj: trainJob({ suspend: true }, { conditions: [suspendedTJ], jobsStatus: nodeJobs(0, 0, 0, 0) }),
    expected: 'Suspended',
  },
]);

// ---------------------------------------------------------------------------------------------------------------
// PyTorchJob: kubeflow/trainer (training operator) v1.9.4. Conditions as pkg/controller.v1/pytorch/
// pytorchjob_controller_test.go expects them (lines 259-272 suspended, 384-405 suspended after running, 446-465
// resumed and running), messages from pytorchjob_controller.go (onOwnerCreateFunc, UpdateJobStatus) and
// pkg/controller.v1/common/job.go (backoff limit), reasons <Kind><Reason> from pkg/util/status.go.
const pytorchJob = (runPolicy: Record<string, unknown>, conditions?: Condition[]) =>
  object(
    'kubeflow.org/v1',
    'PyTorchJob',
    { runPolicy: { cleanPodPolicy: 'Running', ...runPolicy }, pytorchReplicaSpecs: {} },
    conditions && { conditions },
  );
const createdPT = cond('Created', 'True', 'PyTorchJobCreated', 'PyTorchJob run is created.');
const suspendedPT = cond('Suspended', 'True', 'PyTorchJobSuspended', 'PyTorchJob run is suspended.');
const resumedPT = cond('Suspended', 'False', 'PyTorchJobResumed', 'PyTorchJob run is resumed.');
const runningPT = cond('Running', 'True', 'PyTorchJobRunning', 'PyTorchJob run is running.');

runSamples('kubeflow.org_PyTorchJob', [
  {
    name: 'pending: created suspended by Kueue, no status yet',
    obj: pytorchJob({ suspend: true }),
    expected: 'Suspended',
  },
  {
    name: 'pending: not admitted (test lines 259-272)',
    obj: pytorchJob({ suspend: true }, [createdPT, suspendedPT]),
    expected: 'Suspended',
    message: 'PyTorchJobSuspended: PyTorchJob run is suspended.',
  },
  {
    name: 'created without Kueue',
    obj: pytorchJob({}, [createdPT]),
    expected: 'Progressing',
    message: 'PyTorchJobCreated: PyTorchJob run is created.',
  },
  {
    name: 'admitted: resumed, pods starting',
    obj: pytorchJob({ suspend: false }, [createdPT, resumedPT]),
    expected: 'Progressing',
  },
  {
    name: 'running (test lines 446-465)',
    obj: pytorchJob({ suspend: false }, [createdPT, resumedPT, runningPT]),
    expected: 'Progressing',
    message: 'PyTorchJobRunning: PyTorchJob run is running.',
  },
  {
    name: 'restarting: a replica failed, restart policy OnFailure',
    obj: pytorchJob({}, [
      createdPT,
      cond(
        'Restarting',
        'True',
        'PyTorchJobRestarting',
        'PyTorchJob run is restarting because 1 Worker replica(s) failed.',
      ),
    ]),
    expected: 'Progressing',
    message: 'PyTorchJobRestarting: PyTorchJob run is restarting because 1 Worker replica(s) failed.',
  },
  {
    name: 'succeeded: Running turned False by filterOutCondition',
    obj: pytorchJob({}, [
      createdPT,
      cond('Running', 'False', 'PyTorchJobRunning', 'PyTorchJob run is running.'),
      cond('Succeeded', 'True', 'PyTorchJobSucceeded', 'PyTorchJob team-a/run successfully completed.'),
    ]),
    expected: 'Healthy',
  },
  {
    name: 'failed: backoff limit (common/job.go)',
    obj: pytorchJob({ backoffLimit: 2 }, [
      createdPT,
      cond('Running', 'False', 'PyTorchJobRunning', ''),
      cond(
        'Failed',
        'True',
        'PyTorchJobFailed',
        'Job run has failed because it has reached the specified backoff limit',
      ),
    ]),
    expected: 'Degraded',
  },
  {
    name: 'failed: replica failed with restart policy Never',
    obj: pytorchJob({}, [
      createdPT,
      cond('Failed', 'True', 'PyTorchJobFailed', 'PyTorchJob run is failed because 1 Master replica(s) failed.'),
    ]),
    expected: 'Degraded',
    message: 'PyTorchJobFailed: PyTorchJob run is failed because 1 Master replica(s) failed.',
  },
  {
    name: 'preempted by Kueue after running (test lines 384-405)',
    obj: pytorchJob({ suspend: true }, [
      createdPT,
      cond('Running', 'False', 'PyTorchJobSuspended', 'PyTorchJob run is suspended.'),
      suspendedPT,
    ]),
    expected: 'Suspended',
  },
]);

// ---------------------------------------------------------------------------------------------------------------
// MPIJob: kubeflow/mpi-operator v0.8.0. Reasons and messages from pkg/controller/mpi_job_controller.go
// (Created at line 616, updateMPIJobStatus lines 1088-1166, updateMPIJobFailedStatus) and
// mpi_job_controller_status.go; the failed sample is the one pkg/controller/mpi_job_controller_test.go builds
// (lines 640-695: launcher Job BackoffLimitExceeded, reason "BackoffLimitExceeded/FailedReason2").
const mpiJob = (runPolicy: Record<string, unknown>, conditions?: Condition[]) =>
  object(
    'kubeflow.org/v2beta1',
    'MPIJob',
    { runPolicy: { cleanPodPolicy: 'Running', ...runPolicy }, mpiReplicaSpecs: {} },
    conditions && { conditions },
  );
const createdMPI = cond('Created', 'True', 'MPIJobCreated', 'MPIJob team-a/run is created.');

runSamples('kubeflow.org_MPIJob', [
  { name: 'pending: created suspended by Kueue, no status yet', obj: mpiJob({ suspend: true }), expected: 'Suspended' },
  {
    name: 'pending: not admitted',
    obj: mpiJob({ suspend: true }, [
      createdMPI,
      cond('Suspended', 'True', 'MPIJobSuspended', 'MPIJob suspended'),
      cond('Running', 'False', 'MPIJobSuspended', 'MPIJob team-a/run is suspended.'),
    ]),
    expected: 'Suspended',
    message: 'MPIJobSuspended: MPIJob suspended',
  },
  { name: 'created without Kueue', obj: mpiJob({}, [createdMPI]), expected: 'Progressing' },
  {
    name: 'admitted: resumed, workers starting',
    obj: mpiJob({ suspend: false }, [createdMPI, cond('Suspended', 'False', 'MPIJobResumed', 'MPIJob resumed')]),
    expected: 'Progressing',
  },
  {
    name: 'running',
    obj: mpiJob({ suspend: false }, [
      createdMPI,
      cond('Suspended', 'False', 'MPIJobResumed', 'MPIJob resumed'),
      cond('Running', 'True', 'MPIJobRunning', 'MPIJob team-a/run is running.'),
    ]),
    expected: 'Progressing',
    message: 'MPIJobRunning: MPIJob team-a/run is running.',
  },
  {
    name: 'succeeded',
    obj: mpiJob({}, [
      createdMPI,
      cond('Running', 'False', 'MPIJobRunning', 'MPIJob team-a/run is running.'),
      cond('Succeeded', 'True', 'MPIJobSucceeded', 'MPIJob team-a/run successfully completed.'),
    ]),
    expected: 'Healthy',
  },
  // setCondition turns an earlier Failed (an evicted worker) to False when the launcher succeeds
  {
    name: 'succeeded after an eviction',
    obj: mpiJob({}, [
      createdMPI,
      cond('Failed', 'False', 'MPIJobEvicted', '1/2 workers are evicted'),
      cond('Succeeded', 'True', 'MPIJobSucceeded', 'MPIJob team-a/run successfully completed.'),
    ]),
    expected: 'Healthy',
  },
  {
    name: 'failed: launcher backoff limit (controller test lines 640-695)',
    obj: mpiJob({}, [
      createdMPI,
      cond(
        'Failed',
        'True',
        'BackoffLimitExceeded/FailedReason2',
        'Job has reached the specified backoff limit: second message',
      ),
    ]),
    expected: 'Degraded',
    message: 'BackoffLimitExceeded/FailedReason2: Job has reached the specified backoff limit: second message',
  },
  {
    name: 'failed: workers evicted',
    obj: mpiJob({}, [createdMPI, cond('Failed', 'True', 'MPIJobEvicted', '1/2 workers are evicted')]),
    expected: 'Degraded',
  },
  // the training operator's v1 MPIJob has the same key (kubeflow.org_MPIJob) and the same condition types
  {
    name: 'training operator v1 MPIJob, running',
    obj: {
      ...mpiJob({}, [cond('Created', 'True', 'MPIJobCreated', ''), cond('Running', 'True', 'MPIJobRunning', '')]),
      apiVersion: 'kubeflow.org/v1',
    },
    expected: 'Progressing',
  },
]);

// ---------------------------------------------------------------------------------------------------------------
// RayJob: ray-project/kuberay v1.7.0. jobStatus, jobDeploymentStatus and reasons from
// ray-operator/apis/ray/v1/rayjob_types.go; transitions from ray-operator/controllers/ray/rayjob_controller.go
// (Reconcile: New -> Initializing -> Running -> Complete or Failed; Suspending -> Suspended on spec.suspend;
// checkBackoffLimitAndUpdateStatusIfNeeded: Failed -> Retrying; validation failures; the grace period message).
const rayJob = (spec: Record<string, unknown>, status?: Record<string, unknown>) =>
  object('ray.io/v1', 'RayJob', { entrypoint: 'python train.py', shutdownAfterJobFinishes: true, ...spec }, status);

runSamples('ray.io_RayJob', [
  { name: 'pending: created suspended by Kueue, no status yet', obj: rayJob({ suspend: true }), expected: 'Suspended' },
  {
    name: 'pending: Initializing while suspended (about to become Suspending)',
    obj: rayJob({ suspend: true }, { jobDeploymentStatus: 'Initializing', jobStatus: '', jobId: 'run-x' }),
    expected: 'Suspended',
  },
  {
    name: 'pending: suspended, not admitted',
    obj: rayJob({ suspend: true }, { jobDeploymentStatus: 'Suspended', jobStatus: '' }),
    expected: 'Suspended',
    message: 'RayJob is suspended (waiting for Kueue to admit it), deployment status Suspended',
  },
  {
    name: 'admitted: spec.suspend false, status still Suspended until the next reconcile',
    obj: rayJob({ suspend: false }, { jobDeploymentStatus: 'Suspended' }),
    expected: 'Suspended',
  },
  { name: 'created without Kueue: New', obj: rayJob({}, { jobDeploymentStatus: '' }), expected: 'Progressing' },
  {
    name: 'initializing: RayCluster starting',
    obj: rayJob({ suspend: false }, { jobDeploymentStatus: 'Initializing', jobStatus: '' }),
    expected: 'Progressing',
    message: 'RayJob deployment status Initializing',
  },
  {
    name: 'waiting: InteractiveMode waits for a job id',
    obj: rayJob({ submissionMode: 'InteractiveMode' }, { jobDeploymentStatus: 'Waiting' }),
    expected: 'Progressing',
  },
  {
    name: 'running: job PENDING',
    obj: rayJob({}, { jobDeploymentStatus: 'Running', jobStatus: 'PENDING' }),
    expected: 'Progressing',
  },
  {
    name: 'running: job RUNNING',
    obj: rayJob({}, { jobDeploymentStatus: 'Running', jobStatus: 'RUNNING' }),
    expected: 'Progressing',
    message: 'RayJob deployment status Running, Ray job status RUNNING',
  },
  {
    name: 'running: job SUCCEEDED, deployment not Complete yet (submitter still running)',
    obj: rayJob({}, { jobDeploymentStatus: 'Running', jobStatus: 'SUCCEEDED' }),
    expected: 'Progressing',
  },
  {
    name: 'restarting: Retrying after a failure under backoffLimit',
    obj: rayJob({ backoffLimit: 2 }, { jobDeploymentStatus: 'Retrying', jobStatus: 'FAILED', failed: 1 }),
    expected: 'Progressing',
  },
  {
    name: 'succeeded',
    obj: rayJob({}, { jobDeploymentStatus: 'Complete', jobStatus: 'SUCCEEDED', succeeded: 1, failed: 0 }),
    expected: 'Healthy',
    message: 'Ray job succeeded',
  },
  {
    name: 'succeeded after the transition grace period',
    obj: rayJob(
      {},
      {
        jobDeploymentStatus: 'Complete',
        jobStatus: 'SUCCEEDED',
        reason: 'JobDeploymentStatusTransitionGracePeriodExceeded',
        message:
          'JobDeploymentStatus does not transition to Complete or Failed ' +
          'within the grace period after JobStatus reaches a terminal state.',
      },
    ),
    expected: 'Healthy',
  },
  {
    name: 'stopped: Complete without success',
    obj: rayJob({}, { jobDeploymentStatus: 'Complete', jobStatus: 'STOPPED' }),
    expected: 'Degraded',
  },
  {
    name: 'failed: the Ray job failed',
    obj: rayJob(
      {},
      {
        jobDeploymentStatus: 'Failed',
        jobStatus: 'FAILED',
        reason: 'AppFailed',
        message: 'Job entrypoint command failed with exit code 1',
        failed: 1,
      },
    ),
    expected: 'Degraded',
    message: 'RayJob Failed (AppFailed): Job entrypoint command failed with exit code 1',
  },
  {
    name: 'failed: deadline exceeded',
    obj: rayJob(
      { activeDeadlineSeconds: 60 },
      {
        jobDeploymentStatus: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'The RayJob has passed the activeDeadlineSeconds.',
      },
    ),
    expected: 'Degraded',
  },
  {
    name: 'failed: submission failed',
    obj: rayJob({}, { jobDeploymentStatus: 'Failed', reason: 'SubmissionFailed' }),
    expected: 'Degraded',
  },
  {
    name: 'failed: validation',
    obj: rayJob(
      {},
      { jobDeploymentStatus: 'ValidationFailed', reason: 'ValidationFailed', message: 'The RayJob spec is invalid' },
    ),
    expected: 'Degraded',
  },
  {
    name: 'preempted by Kueue: Suspending',
    obj: rayJob({ suspend: true }, { jobDeploymentStatus: 'Suspending', jobStatus: 'RUNNING' }),
    expected: 'Suspended',
  },
]);

// ---------------------------------------------------------------------------------------------------------------
// RayService: ray-project/kuberay v1.7.0. Condition types and reasons from ray-operator/apis/ray/v1/
// rayservice_types.go; messages from ray-operator/controllers/ray/rayservice_controller.go (calculateConditions,
// handleSuspend, markFailedOnInitializingTimeout, the validation failure in Reconcile).
const rayService = (spec: Record<string, unknown>, status?: Record<string, unknown>, generation = 1) =>
  object('ray.io/v1', 'RayService', { serveConfigV2: 'applications: []', ...spec }, status, generation);
const readyRS = cond('Ready', 'True', 'NonZeroServeEndpoints', 'Number of serve endpoints is greater than 0');
const noUpgrade = cond(
  'UpgradeInProgress',
  'False',
  'NoPendingCluster',
  'Active Ray cluster exists and no pending Ray cluster',
);

runSamples('ray.io_RayService', [
  { name: 'created: no status yet', obj: rayService({}), expected: 'Progressing' },
  {
    name: 'initializing',
    obj: rayService(
      {},
      {
        observedGeneration: 1,
        conditions: [
          cond('Ready', 'False', 'Initializing', 'RayService is initializing'),
          cond('UpgradeInProgress', 'False', 'Initializing', 'RayService is initializing'),
        ],
      },
    ),
    expected: 'Progressing',
    message: 'Initializing: RayService is initializing',
  },
  {
    name: 'ready',
    obj: rayService(
      {},
      { observedGeneration: 1, serviceStatus: 'Running', numServeEndpoints: 1, conditions: [readyRS, noUpgrade] },
    ),
    expected: 'Healthy',
    message: 'NonZeroServeEndpoints: Number of serve endpoints is greater than 0',
  },
  {
    name: 'ready, spec changed and not yet observed',
    obj: rayService({}, { observedGeneration: 1, conditions: [readyRS, noUpgrade] }, 2),
    expected: 'Progressing',
  },
  {
    name: 'upgrading: old cluster serves, new one starting',
    obj: rayService(
      {},
      {
        observedGeneration: 2,
        conditions: [
          readyRS,
          cond(
            'UpgradeInProgress',
            'True',
            'BothActivePendingClustersExist',
            'Both active and pending Ray clusters exist',
          ),
        ],
      },
      2,
    ),
    expected: 'Progressing',
  },
  {
    name: 'serve endpoints dropped to zero',
    obj: rayService(
      {},
      {
        observedGeneration: 1,
        conditions: [cond('Ready', 'False', 'ZeroServeEndpoints', 'Number of serve endpoints dropped to 0'), noUpgrade],
      },
    ),
    expected: 'Progressing',
  },
  {
    name: 'failed: validation',
    obj: rayService(
      {},
      { conditions: [cond('Ready', 'False', 'ValidationFailed', 'spec.rayClusterConfig is invalid')] },
    ),
    expected: 'Degraded',
  },
  {
    name: 'failed: initializing timeout',
    obj: rayService(
      {},
      {
        observedGeneration: 1,
        conditions: [
          cond(
            'Ready',
            'False',
            'InitializingTimeout',
            'RayService failed to become ready within the configured timeout of 10m0s. Time spent initializing: 10m1s',
          ),
        ],
      },
    ),
    expected: 'Degraded',
  },
  {
    name: 'suspending',
    obj: rayService(
      { suspend: true },
      {
        conditions: [
          cond(
            'Suspending',
            'True',
            'SuspendRequested',
            'Spec.Suspend is true; will delete all Kubernetes resources owned by this RayService.',
          ),
          cond('Ready', 'False', 'SuspendInProgress', 'RayService is suspending.'),
        ],
      },
    ),
    expected: 'Suspended',
  },
  {
    name: 'suspended',
    obj: rayService(
      { suspend: true },
      {
        conditions: [
          cond('Suspending', 'False', 'SuspendComplete', 'All owned resources have been deleted.'),
          cond('Suspended', 'True', 'SuspendComplete', 'All owned resources have been deleted.'),
          cond('Ready', 'False', 'SuspendComplete', 'RayService is suspended.'),
        ],
      },
    ),
    expected: 'Suspended',
    message: 'SuspendComplete: All owned resources have been deleted.',
  },
  {
    name: 'resumed, initializing again',
    obj: rayService(
      { suspend: false },
      {
        conditions: [
          cond('Suspended', 'False', 'RayServiceResumed', 'Spec.Suspend is false; RayService has resumed.'),
          cond('Ready', 'False', 'Initializing', 'RayService is initializing after resuming from suspend.'),
        ],
      },
    ),
    expected: 'Progressing',
  },
  {
    name: 'an operator before KubeRay 1.3: serviceStatus only',
    obj: rayService({}, { serviceStatus: 'Running' }),
    expected: 'Healthy',
  },
]);

// ---------------------------------------------------------------------------------------------------------------
// LeaderWorkerSet: kubernetes-sigs/lws v0.10.0. Conditions from pkg/controllers/leaderworkerset_controller.go
// (updateConditions, makeCondition: Available/AllGroupsReady "All replicas are ready", Progressing/GroupsProgressing
// "Replicas are progressing", UpdateInProgress/GroupsUpdating "Rolling Upgrade is in progress"; setCondition and
// exclusiveConditionTypes turn the others False when one becomes True).
const lws = (status?: Record<string, unknown>, generation = 1) =>
  object(
    'leaderworkerset.x-k8s.io/v1',
    'LeaderWorkerSet',
    { replicas: 2, leaderWorkerTemplate: { size: 2 } },
    status,
    generation,
  );
const progressingLWS = cond('Progressing', 'True', 'GroupsProgressing', 'Replicas are progressing');
const availableLWS = cond('Available', 'True', 'AllGroupsReady', 'All replicas are ready');

runSamples('leaderworkerset.x-k8s.io_LeaderWorkerSet', [
  { name: 'created: no status yet', obj: lws(), expected: 'Progressing' },
  {
    name: 'pending: groups starting (pods gated by Kueue or pulling images)',
    obj: lws({ observedGeneration: 1, replicas: 2, readyReplicas: 0, conditions: [progressingLWS] }),
    expected: 'Progressing',
    message: 'GroupsProgressing: Replicas are progressing (0 of 2 groups ready)',
  },
  {
    name: 'available',
    obj: lws({
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      conditions: [{ ...progressingLWS, status: 'False' }, availableLWS],
    }),
    expected: 'Healthy',
    message: 'AllGroupsReady: All replicas are ready (2 of 2 groups ready)',
  },
  {
    name: 'rolling update',
    obj: lws(
      {
        observedGeneration: 2,
        replicas: 2,
        readyReplicas: 2,
        updatedReplicas: 1,
        conditions: [
          { ...availableLWS, status: 'False' },
          progressingLWS,
          cond('UpdateInProgress', 'True', 'GroupsUpdating', 'Rolling Upgrade is in progress'),
        ],
      },
      2,
    ),
    expected: 'Progressing',
    message: 'GroupsUpdating: Rolling Upgrade is in progress (2 of 2 groups ready)',
  },
  {
    name: 'a group lost a pod',
    obj: lws({
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 1,
      conditions: [{ ...availableLWS, status: 'False' }, progressingLWS],
    }),
    expected: 'Progressing',
  },
  {
    name: 'spec changed and not yet observed',
    obj: lws({ observedGeneration: 1, replicas: 2, readyReplicas: 2, conditions: [availableLWS] }, 2),
    expected: 'Progressing',
  },
]);

// ---------------------------------------------------------------------------------------------------------------
// batch Job: the Kubernetes Job controller (pkg/controller/job/job_controller.go, syncJob: Suspended True
// "JobSuspended"/"Job suspended", then False "JobResumed"/"Job resumed"); the API's own description of
// JobStatus.conditions in vendor/schemas/kubernetes/v1.35.0/_definitions.json ("when the Job is resumed, the
// status of this condition will become false"); FailureTarget before Failed as kubeflow/mpi-operator v0.8.0
// pkg/controller/mpi_job_controller_test.go (lines 649-661) sets them on a launcher Job.
const job = (spec: Record<string, unknown>, status?: Record<string, unknown>) =>
  object('batch/v1', 'Job', { backoffLimit: 0, template: {}, ...spec }, status);
const suspendedJob = cond('Suspended', 'True', 'JobSuspended', 'Job suspended');
const resumedJob = cond('Suspended', 'False', 'JobResumed', 'Job resumed');

runSamples('batch_Job', [
  { name: 'pending: created suspended by Kueue, no status yet', obj: job({ suspend: true }), expected: 'Suspended' },
  {
    name: 'pending: not admitted',
    obj: job({ suspend: true }, { conditions: [suspendedJob] }),
    expected: 'Suspended',
    message: 'Job suspended',
  },
  {
    name: 'admitted: resumed and running (the built-in check says Healthy)',
    obj: job({ suspend: false }, { conditions: [resumedJob], active: 1, ready: 0, startTime: '2026-08-20T10:00:00Z' }),
    expected: 'Progressing',
    message: 'Job is running: 1 active, 0 succeeded, 0 failed',
  },
  {
    name: 'running without Kueue',
    obj: job({}, { active: 1, startTime: '2026-08-20T10:00:00Z' }),
    expected: 'Progressing',
  },
  {
    name: 'restarting: a pod failed, within backoffLimit',
    obj: job({ backoffLimit: 3 }, { conditions: [resumedJob], active: 1, failed: 1 }),
    expected: 'Progressing',
  },
  {
    name: 'success criteria met, pods still terminating',
    obj: job(
      {},
      {
        conditions: [
          resumedJob,
          cond('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        ],
        succeeded: 1,
      },
    ),
    expected: 'Progressing',
  },
  {
    name: 'succeeded',
    obj: job(
      {},
      {
        conditions: [
          resumedJob,
          cond('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'),
          cond('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        ],
        succeeded: 1,
      },
    ),
    expected: 'Healthy',
  },
  {
    name: 'failing: FailureTarget, pods terminating',
    obj: job(
      {},
      {
        conditions: [
          resumedJob,
          cond('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        ],
        failed: 1,
      },
    ),
    expected: 'Degraded',
  },
  {
    name: 'failed',
    obj: job(
      {},
      {
        conditions: [
          cond('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
          cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        ],
        failed: 2,
      },
    ),
    expected: 'Degraded',
    message: 'Job has reached the specified backoff limit',
  },
  {
    name: 'preempted by Kueue after running',
    obj: job({ suspend: true }, { conditions: [suspendedJob], active: 0 }),
    expected: 'Suspended',
  },
]);

/**
 * Argo CD v3.4.4's built-in Job check, transcribed from gitops-engine/pkg/health/health_job.go (getBatchv1JobHealth).
 */
function builtInJobHealth(obj: { status?: { conditions?: Condition[] } }): HealthCode {
  let failed = false;
  let complete = false;
  let suspended = false;
  for (const c of obj.status?.conditions ?? []) {
    if (c.type === 'Failed') [failed, complete] = [true, true];
    else if (c.type === 'Complete') complete = true;
    else if (c.type === 'Suspended') [complete, suspended] = [true, c.status === 'True'];
  }
  return !complete ? 'Progressing' : failed ? 'Degraded' : suspended ? 'Suspended' : 'Healthy';
}

describe("batch_Job against Argo CD's built-in Job check", () => {
  const fixture = (file: string) =>
    parse(readFileSync(join(ARGOCD_FIXTURES, 'gitops-engine/pkg/health/testdata', file), 'utf-8')) as {
      status?: { conditions?: Condition[] };
    };
  // gitops-engine/pkg/health/health_test.go TestJob at v3.4.4
  const builtIn: [string, HealthCode][] = [
    ['job-running.yaml', 'Progressing'],
    ['job-failed.yaml', 'Degraded'],
    ['job-succeeded.yaml', 'Healthy'],
    ['job-suspended.yaml', 'Suspended'],
  ];
  it.each(builtIn)('its test data: %s is %s', (file, expected) => {
    expect(builtInJobHealth(fixture(file))).toBe(expected);
    expect(run('batch_Job', fixture(file)).status).toBe(expected);
  });

  it('the built-in check calls a Job that Kueue admitted Healthy while it runs; the override does not', () => {
    const running = job({ suspend: false }, { conditions: [resumedJob], active: 1 });
    expect(builtInJobHealth(running)).toBe('Healthy');
    expect(run('batch_Job', running).status).toBe('Progressing');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// InferenceService: Argo CD ships a Lua check (resource_customizations/serving.kserve.io/InferenceService at
// v3.4.4); the fleet keeps it. It runs here on its own test data (exact statuses and messages, which also shows the
// VM answers as Argo CD's gopher-lua does), and on samples of KServe v0.20.0 in Standard mode, the mode the kserve
// module sets: pkg/apis/serving/v1beta1/inference_service_status.go (conditionSet of PredictorReady and
// IngressReady, InitializeConditions: Unknown; PropagateRawStatus: PredictorReady from the Deployment's Available
// and Progressing; ModelStatus transitionStatus UpToDate, InProgress, BlockedByFailedLoad, InvalidSpec).
const ISVC_DIR = join(ARGOCD_FIXTURES, 'resource_customizations/serving.kserve.io/InferenceService');
const isvcScript = () => readFileSync(join(ISVC_DIR, 'health.lua'), 'utf-8');

describe('serving.kserve.io_InferenceService (upstream check)', () => {
  const tests = (
    parse(readFileSync(join(ISVC_DIR, 'health_test.yaml'), 'utf-8')) as {
      tests: { healthStatus: { status: HealthCode; message: string }; inputPath: string }[];
    }
  ).tests;
  it.each(tests.map((t) => [t.inputPath, t] as const))('its own test data: %s', (_path, t) => {
    const obj: unknown = parse(readFileSync(join(ISVC_DIR, t.inputPath), 'utf-8'));
    expect(vm.run(isvcScript(), obj)).toEqual(t.healthStatus);
  });

  const isvc = (status?: Record<string, unknown>) =>
    object(
      'serving.kserve.io/v1beta1',
      'InferenceService',
      { predictor: { model: { modelFormat: { name: 'huggingface' } } } },
      status,
    );
  const samples: Sample[] = [
    { name: 'created: no status yet', obj: isvc(), expected: 'Progressing' },
    {
      name: 'initialized: conditions Unknown',
      obj: isvc({
        conditions: [cond('IngressReady', 'Unknown'), cond('PredictorReady', 'Unknown'), cond('Ready', 'Unknown')],
      }),
      expected: 'Progressing',
    },
    {
      name: 'deployment rolling out: PredictorReady Unknown',
      obj: isvc({
        conditions: [
          cond('IngressReady', 'True'),
          cond('PredictorReady', 'Unknown', 'ReplicaSetUpdated', 'ReplicaSet "run-predictor-5d8f" is progressing.'),
          cond('Ready', 'Unknown'),
          cond('Stopped', 'False'),
        ],
        modelStatus: { transitionStatus: 'InProgress', states: { activeModelState: '', targetModelState: 'Pending' } },
      }),
      expected: 'Progressing',
    },
    {
      name: 'ready',
      obj: isvc({
        conditions: [
          cond('IngressReady', 'True'),
          cond('LatestDeploymentReady', 'True'),
          cond('PredictorReady', 'True', 'NewReplicaSetAvailable'),
          cond('Ready', 'True'),
          cond('Stopped', 'False'),
        ],
        modelStatus: {
          transitionStatus: 'UpToDate',
          states: { activeModelState: 'Loaded', targetModelState: 'Loaded' },
        },
      }),
      expected: 'Healthy',
    },
    {
      name: 'failed to load the model',
      obj: isvc({
        conditions: [
          cond('IngressReady', 'True'),
          cond(
            'PredictorReady',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
          cond('Ready', 'False'),
        ],
        modelStatus: {
          transitionStatus: 'BlockedByFailedLoad',
          states: { activeModelState: '', targetModelState: 'FailedToLoad' },
          lastFailureInfo: { reason: 'ModelLoadFailed', message: 'container exited with code 1' },
        },
      }),
      expected: 'Degraded',
    },
    {
      name: 'invalid spec',
      obj: isvc({ conditions: [cond('Ready', 'False')], modelStatus: { transitionStatus: 'InvalidSpec' } }),
      expected: 'Degraded',
    },
    {
      name: 'stopped',
      obj: isvc({
        conditions: [
          cond('PredictorReady', 'False', 'Stopped'),
          cond('Ready', 'False', 'Stopped'),
          cond('Stopped', 'True'),
        ],
      }),
      expected: 'Suspended',
    },
  ];
  it.each(samples.map((s) => [s.name, s] as const))('KServe v0.20.0: %s', (_name, sample) => {
    expect(vm.run(isvcScript(), sample.obj).status).toBe(sample.expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A pipeline step waits: whatever status a run reports, its check says Healthy only when the run succeeded, and
// Degraded when it failed. Random statuses over each controller's vocabulary (types, statuses, reasons, suspend).

/** How Argo CD's sync moves on from a wave (gitops-engine/pkg/sync/sync_context.go at v3.4.4, Sync). */
function waveOutcome(health: HealthCode | undefined): 'next wave' | 'wait' | 'sync failed' {
  if (health === undefined || health === 'Healthy') return 'next wave';
  if (health === 'Degraded') return 'sync failed';
  return 'wait';
}

const conditionStatus = fc.constantFrom<Condition['status']>('True', 'False', 'Unknown');
const conditionsOf = (types: string[], reasons: string[]) =>
  fc.uniqueArray(
    fc.record({
      type: fc.constantFrom(...types),
      status: conditionStatus,
      reason: fc.constantFrom(...reasons),
      message: fc.string({ maxLength: 30 }),
    }),
    { selector: (c) => c.type, maxLength: types.length },
  );
const has = (conditions: readonly Condition[] | { type: string; status: string }[], type: string) =>
  conditions.some((c) => c.type === type && c.status === 'True');

interface RunKind {
  readonly key: string;
  readonly arbitrary: fc.Arbitrary<{ obj: unknown; succeeded: boolean; failed: boolean; suspended: boolean }>;
}

const kubeflowKind = (key: string, apiVersion: string, kind: string, reasonPrefix: string): RunKind => ({
  key,
  arbitrary: fc
    .record({
      suspend: fc.option(fc.boolean(), { nil: undefined }),
      conditions: conditionsOf(
        ['Created', 'Running', 'Restarting', 'Succeeded', 'Suspended', 'Failed'],
        ['Created', 'Running', 'Restarting', 'Succeeded', 'Suspended', 'Resumed', 'Failed', 'Evicted'].map(
          (r) => reasonPrefix + r,
        ),
      ),
    })
    .map(({ suspend, conditions }) => ({
      obj: object(apiVersion, kind, { runPolicy: suspend === undefined ? {} : { suspend } }, { conditions }),
      succeeded: has(conditions, 'Succeeded') && !has(conditions, 'Failed'),
      failed: has(conditions, 'Failed'),
      suspended: suspend === true || has(conditions, 'Suspended'),
    })),
});

const RUN_KINDS: RunKind[] = [
  {
    key: 'trainer.kubeflow.org_TrainJob',
    arbitrary: fc
      .record({
        suspend: fc.option(fc.boolean(), { nil: undefined }),
        conditions: conditionsOf(
          ['Suspended', 'Complete', 'Failed'],
          [
            'Suspended',
            'Resumed',
            'AllJobsCompleted',
            'FailedJobs',
            'ReachedMaxRestarts',
            'DeadlineExceeded',
            'TrainingRuntimeNotSupported',
          ],
        ),
        jobs: fc.array(
          fc.record({
            name: fc.constantFrom('node', 'initializer'),
            active: fc.nat(8),
            ready: fc.nat(8),
            succeeded: fc.nat(8),
            failed: fc.nat(8),
          }),
          { maxLength: 2 },
        ),
      })
      .map(({ suspend, conditions, jobs }) => ({
        obj: trainJob(suspend === undefined ? {} : { suspend }, { conditions, jobsStatus: jobs }),
        succeeded: has(conditions, 'Complete') && !has(conditions, 'Failed'),
        failed: has(conditions, 'Failed'),
        suspended: suspend === true || has(conditions, 'Suspended'),
      })),
  },
  kubeflowKind('kubeflow.org_PyTorchJob', 'kubeflow.org/v1', 'PyTorchJob', 'PyTorchJob'),
  kubeflowKind('kubeflow.org_MPIJob', 'kubeflow.org/v2beta1', 'MPIJob', 'MPIJob'),
  {
    key: 'ray.io_RayJob',
    arbitrary: fc
      .record({
        suspend: fc.option(fc.boolean(), { nil: undefined }),
        deployment: fc.option(
          fc.constantFrom(
            '',
            'Initializing',
            'Running',
            'Complete',
            'Failed',
            'ValidationFailed',
            'Suspending',
            'Suspended',
            'Retrying',
            'Waiting',
          ),
          { nil: undefined },
        ),
        job: fc.option(fc.constantFrom('', 'PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED'), { nil: undefined }),
        reason: fc.option(fc.constantFrom('SubmissionFailed', 'DeadlineExceeded', 'AppFailed', 'ValidationFailed'), {
          nil: undefined,
        }),
      })
      .map(({ suspend, deployment, job: jobStatus, reason }) => ({
        obj: rayJob(suspend === undefined ? {} : { suspend }, { jobDeploymentStatus: deployment, jobStatus, reason }),
        succeeded: deployment === 'Complete' && jobStatus === 'SUCCEEDED',
        failed:
          deployment === 'Failed' ||
          deployment === 'ValidationFailed' ||
          (deployment === 'Complete' && jobStatus !== 'SUCCEEDED'),
        suspended: suspend === true || deployment === 'Suspended' || deployment === 'Suspending',
      })),
  },
  {
    key: 'batch_Job',
    arbitrary: fc
      .record({
        suspend: fc.option(fc.boolean(), { nil: undefined }),
        conditions: conditionsOf(
          ['Suspended', 'Complete', 'Failed', 'FailureTarget', 'SuccessCriteriaMet'],
          ['JobSuspended', 'JobResumed', 'CompletionsReached', 'BackoffLimitExceeded', 'DeadlineExceeded'],
        ),
        active: fc.nat(4),
      })
      .map(({ suspend, conditions, active }) => ({
        obj: job(suspend === undefined ? {} : { suspend }, { conditions, active }),
        succeeded: has(conditions, 'Complete') && !has(conditions, 'Failed') && !has(conditions, 'FailureTarget'),
        failed: has(conditions, 'Failed') || has(conditions, 'FailureTarget'),
        suspended: suspend === true || has(conditions, 'Suspended'),
      })),
  },
];

describe('a pipeline step waits for the run before it', () => {
  it.each(RUN_KINDS.map((k) => [k.key, k] as const))(
    '%s: Healthy only when it succeeded, Degraded when it failed, else it holds the next wave',
    (_key, kind) => {
      fc.assert(
        fc.property(kind.arbitrary, ({ obj, succeeded, failed, suspended }) => {
          const { status } = run(kind.key, obj);
          expect(['Healthy', 'Progressing', 'Degraded', 'Suspended']).toContain(status);
          if (status === 'Healthy') expect(succeeded).toBe(true);
          if (failed) expect(status).toBe('Degraded');
          else if (succeeded) expect(status).toBe('Healthy');
          else if (suspended) expect(status).toBe('Suspended');
          else expect(status).toBe('Progressing');
          // Argo CD moves to the next wave only after success, and stops the pipeline on a failure
          expect(waveOutcome(status)).toBe(succeeded && !failed ? 'next wave' : failed ? 'sync failed' : 'wait');
        }),
        { numRuns: 400 },
      );
    },
  );

  it('a run kind without a health check would let the next step start at once', () => {
    expect(waveOutcome(undefined)).toBe('next wave');
  });

  const services: [string, fc.Arbitrary<{ obj: unknown; ready: boolean }>][] = [
    [
      'ray.io_RayService',
      fc
        .record({
          suspend: fc.option(fc.boolean(), { nil: undefined }),
          conditions: conditionsOf(
            ['Ready', 'UpgradeInProgress', 'RollbackInProgress', 'Suspending', 'Suspended'],
            [
              'Initializing',
              'InitializingTimeout',
              'ZeroServeEndpoints',
              'NonZeroServeEndpoints',
              'ValidationFailed',
              'SuspendComplete',
            ],
          ),
          generation: fc.integer({ min: 1, max: 3 }),
          observed: fc.integer({ min: 0, max: 3 }),
        })
        .map(({ suspend, conditions, generation, observed }) => ({
          obj: rayService(
            suspend === undefined ? {} : { suspend },
            { conditions, observedGeneration: observed },
            generation,
          ),
          ready:
            has(conditions, 'Ready') &&
            observed >= generation &&
            !has(conditions, 'UpgradeInProgress') &&
            suspend !== true &&
            !has(conditions, 'Suspended') &&
            !has(conditions, 'Suspending'),
        })),
    ],
    [
      'leaderworkerset.x-k8s.io_LeaderWorkerSet',
      fc
        .record({
          conditions: conditionsOf(
            ['Available', 'Progressing', 'UpdateInProgress'],
            ['AllGroupsReady', 'GroupsProgressing', 'GroupsUpdating'],
          ),
          generation: fc.integer({ min: 1, max: 3 }),
          observed: fc.integer({ min: 0, max: 3 }),
        })
        .map(({ conditions, generation, observed }) => ({
          obj: lws({ conditions, observedGeneration: observed, replicas: 2, readyReplicas: 1 }, generation),
          ready: has(conditions, 'Available') && observed >= generation,
        })),
    ],
  ];
  it.each(services)('%s: Healthy exactly when ready for the current generation', (key, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, ({ obj, ready }) => {
        expect(run(key, obj).status === 'Healthy').toBe(ready);
      }),
      { numRuns: 300 },
    );
  });

  it('the upstream InferenceService check is Healthy only when Ready is True', () => {
    fc.assert(
      fc.property(
        conditionsOf(
          ['Ready', 'PredictorReady', 'IngressReady', 'LatestDeploymentReady', 'Stopped'],
          ['Stopped', 'MinimumReplicasUnavailable', 'NewReplicaSetAvailable'],
        ),
        fc.option(fc.constantFrom('UpToDate', 'InProgress', 'BlockedByFailedLoad', 'InvalidSpec'), { nil: undefined }),
        (conditions, transitionStatus) => {
          const obj = object(
            'serving.kserve.io/v1beta1',
            'InferenceService',
            {},
            {
              conditions: [
                cond('Ready', 'Unknown'),
                ...conditions.filter((c) => c.type !== 'Ready'),
                ...conditions.filter((c) => c.type === 'Ready'),
              ],
              ...(transitionStatus ? { modelStatus: { transitionStatus } } : {}),
            },
          );
          const ready = has(conditions, 'Ready');
          if (vm.run(isvcScript(), obj).status === 'Healthy') expect(ready).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('every script', () => {
  const keys = () => healthChecks().map((c) => c.key);

  it('is listed, and every listed check has its script (the shared code, `_*.lua`, written into each)', () => {
    const files = readdirSync(HEALTH_DIR)
      .filter((f) => f.endsWith('.lua') && !f.startsWith('_'))
      .map((f) => f.slice(0, -'.lua'.length))
      .sort();
    expect(files).toEqual([...keys()].sort());
    for (const entry of healthChecks()) expect(entry.script, entry.key).not.toContain('-- SHARED');
  });

  it.each(healthChecks().map((c) => [c.key, c] as const))("%s stays within what Argo CD's Lua accepts", (_key, c) => {
    expect(lua51Problems(c.script)).toEqual([]);
  });

  it.each(healthChecks().map((c) => [c.key, c] as const))(
    '%s opens with a comment naming the controller source and release it follows',
    (_key, c) => {
      const header = c.script
        .split('\n')
        .filter((line) => line.startsWith('--'))
        .join('\n');
      expect(header).toMatch(new RegExp(`health check for ${c.group.replace(/\./g, '\\.')}/${c.kind}\\b`));
      expect(header).toMatch(/\.go\b/);
      if (c.group !== 'batch') expect(header).toMatch(/ v\d+\.\d+\.\d+/);
    },
  );

  it.each(healthChecks().map((c) => [c.key, c] as const))('%s never fails on whatever the status holds', (_key, c) => {
    const anything = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 }));
    const condition = fc.record({
      type: fc.constantFrom(
        'Ready',
        'Available',
        'Complete',
        'Succeeded',
        'Failed',
        'Suspended',
        'Suspending',
        'FailureTarget',
        'UpgradeInProgress',
        'Progressing',
      ),
      status: fc.oneof(conditionStatus, fc.jsonValue({ maxDepth: 1 })),
      reason: anything,
      message: anything,
    });
    fc.assert(
      fc.property(
        fc.record(
          {
            metadata: fc.oneof(anything, fc.record({ generation: anything })),
            spec: fc.oneof(anything, fc.record({ suspend: anything, runPolicy: anything })),
            status: fc.oneof(
              anything,
              fc.dictionary(
                fc.constantFrom(
                  'conditions',
                  'jobsStatus',
                  'jobStatus',
                  'jobDeploymentStatus',
                  'reason',
                  'message',
                  'observedGeneration',
                  'readyReplicas',
                  'replicas',
                  'serviceStatus',
                  'active',
                ),
                fc.oneof(anything, fc.array(fc.oneof(condition, anything), { maxLength: 4 })),
              ),
            ),
          },
          { requiredKeys: [] },
        ),
        (obj) => {
          expect(['Healthy', 'Progressing', 'Degraded', 'Suspended']).toContain(vm.run(c.script, obj).status);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the VM has no string library and rejects what Lua 5.1 lacks, as Argo CD does', () => {
    expect(() => vm.run('local s = "x" return { status = s:upper() }', {})).toThrow(/attempt to index a string value/);
    expect(vm.run('return { status = type(string) == "nil" and "Healthy" or "Degraded" }', {}).status).toBe('Healthy');
    expect(vm.run('return { status = "Fine" }', {}).status).toBe('Unknown');
    expect(lua51Problems('local a = 7 // 2 return a')).toHaveLength(1);
    expect(lua51Problems('local a = "x // y" -- b & c\nreturn a')).toEqual([]);
    expect(lua51Problems('return string.lower(obj.kind)')).toHaveLength(1);
    expect(lua51Problems('return obj.kind:lower()')).toHaveLength(1);
    expect(toLua({ a: [1, 'x"\n'], b: null, c: 0.5 })).toBe('{["a"]={1,"x\\"\\010"},["b"]=nil,["c"]=5e-1}');
  });
});

describe('argocd-cm entries', () => {
  /** argo-cd v3.4.4 util/settings/settings.go appendResourceOverridesFromSplitKeys and convertToOverrideKey. */
  function overrideKey(cmKey: string): { type: string; key: string } {
    const parts = cmKey.split('.');
    const rest = parts.slice(3).join('.');
    const groupKind = rest.split('_');
    if (groupKind.length !== 2 && !(groupKind.length === 1 && rest !== '')) throw new Error(`bad key ${cmKey}`);
    return { type: parts[2], key: groupKind.length === 2 ? `${groupKind[0]}/${groupKind[1]}` : rest };
  }

  it("are one key per check, which Argo CD reads back as the check's group and kind", () => {
    const entries = argocdCmHealthEntries();
    expect(Object.keys(entries)).toEqual(healthChecks().map((c) => `${HEALTH_KEY_PREFIX}${c.key}`));
    for (const c of healthChecks()) {
      const cmKey = `${HEALTH_KEY_PREFIX}${c.key}`;
      expect(cmKey).toMatch(/^[-._a-zA-Z0-9]{1,253}$/); // a ConfigMap key
      expect(overrideKey(cmKey)).toEqual({ type: 'health', key: `${c.group}/${c.kind}` });
      expect(entries[cmKey]).toBe(c.script);
      expect(c.source).not.toBe('');
    }
  });

  it("cover every run and service kind, with the fleet's own checks where Argo CD has none", () => {
    const fleet = Object.entries(WORKLOAD_HEALTH)
      .filter(([, h]) => h.by === 'fleet')
      .map(([k]) => k)
      .sort();
    expect(
      healthChecks()
        .map((c) => `${c.group}/${c.kind}`)
        .sort(),
    ).toEqual(fleet);
  });
});

describe('the kinds the generator emits', () => {
  /** Kinds a step or service carries beside its run or server, which need no health of their own. */
  const SUPPORT_KINDS: Record<string, string> = {
    ConfigMap: 'no health: ready once applied',
    PersistentVolumeClaim: 'built-in health (Bound)',
    Service: 'built-in health',
    'autoscaling/HorizontalPodAutoscaler': 'built-in health',
    'external-secrets.io/ExternalSecret': 'Argo CD ships a Lua check',
    // the trial pods' template inside a Determined experiment config (environment.pod_spec), never an object itself
    Pod: 'not emitted: Determined creates the pods',
  };
  const groupKind = (apiVersion: string, kind: string) =>
    apiVersion.includes('/') ? `${apiVersion.split('/')[0]}/${kind}` : kind;

  it("from the workload renderers' sources all have a health check or need none", () => {
    const dir = join(REPO, 'generator', 'workloads');
    const found = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf-8');
      for (const m of source.matchAll(/apiVersion:\s*'([^']+)',\s*kind:\s*'([^']+)'/g)) {
        found.add(groupKind(m[1], m[2]));
      }
      for (const m of source.matchAll(/\b(Kube\w+)\.(?:manifest|GVK)\b/g)) {
        const gvk = (k8s as unknown as Record<string, { GVK?: { apiVersion: string; kind: string } }>)[m[1]]?.GVK;
        if (!gvk) throw new Error(`${file}: ${m[1]} has no GVK`);
        found.add(groupKind(gvk.apiVersion, gvk.kind));
      }
    }
    expect(found.size).toBeGreaterThan(5);
    const uncovered = [...found].filter((k) => !(k in WORKLOAD_HEALTH) && !(k in SUPPORT_KINDS));
    expect(uncovered).toEqual([]);
  });

  it("in the example fleet's workloads, and its pipeline steps, all have a health check or need none", () => {
    const kinds = new Set<string>();
    let steps = 0;
    for (const cluster of compiledClusters(REPO)) {
      for (const [folder, objects] of cluster.folders) {
        if (!folder.includes('workloads/')) continue;
        for (const o of objects as {
          apiVersion: string;
          kind: string;
          metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
        }[]) {
          kinds.add(groupKind(o.apiVersion, o.kind));
          if (o.metadata?.labels?.[STEP_LABEL] !== undefined && o.metadata.annotations?.[SYNC_WAVE] !== undefined) {
            steps++;
          }
        }
      }
    }
    expect(steps).toBeGreaterThan(1);
    expect([...kinds].filter((k) => !(k in WORKLOAD_HEALTH) && !(k in SUPPORT_KINDS))).toEqual([]);
  });
});
