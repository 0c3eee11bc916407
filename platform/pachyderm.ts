/** Pachyderm: data versioning and data-driven pipelines. */
import type { PlatformModule } from '../generator/model/platform-module';

// Upstream has had no stable release since 2.11.6 (December 2024); treat as unmaintained.
export const pachydermModule: PlatformModule = {
  name: 'pachyderm',
  description: 'Pachyderm data versioning and pipelines',
  enabledByDefault: false,
  namespace: 'pachyderm',
  source: {
    kind: 'helm',
    repoURL: 'https://helm.pachyderm.com',
    chart: 'pachyderm',
    version: '2.11.6', // newest stable tag v2.11.6 (2024-12-13); CI packages the chart with --version ${CIRCLE_TAG:1}
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 3,
  docs: 'https://github.com/pachyderm/pachyderm/releases/tag/v2.11.6',
};
