/** Slinky slurm-operator: runs Slurm clusters (controller, NodeSets, login, REST API) on Kubernetes. */
import type { PlatformModule } from '../generator/model/platform-module';

// Rendered with `crds.enabled: true` so the bundled slurm-operator-crds subchart installs the CRDs (default is false).
// The Slurm cluster itself is the separate `slurm` chart, deployed per cluster into namespace `slurm`.
export const slurmModule: PlatformModule = {
  name: 'slurm',
  description: 'SchedMD Slinky slurm-operator for Slurm clusters on Kubernetes',
  enabledByDefault: false,
  namespace: 'slinky',
  source: {
    kind: 'helm',
    repoURL: 'ghcr.io/slinkyproject/charts',
    chart: 'slurm-operator',
    version: '1.2.1', // helm/slurm-operator/Chart.yaml at tag v1.2.1 of SlinkyProject/slurm-operator (2026-07-30)
  },
  crds: [
    'controllers.slinky.slurm.net',
    'nodesets.slinky.slurm.net',
    'loginsets.slinky.slurm.net',
    'restapis.slinky.slurm.net',
    'accountings.slinky.slurm.net',
    'tokens.slinky.slurm.net',
  ],
  needs: ['cert-manager'],
  onMissingNeed: 'error',
  wave: 2,
  serverSideApply: true,
  values: () => ({ crds: { enabled: true } }),
  docs: 'https://github.com/SlinkyProject/slurm-operator/releases/tag/v1.2.1',
};
