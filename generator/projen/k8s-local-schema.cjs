// Preload for cdk8s-cli: serve `cdk8s import k8s@X.Y.Z` from a local schema folder instead of
// https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/vX.Y.Z/_definitions.json
// usage, from the project root: K8S_SCHEMA_DIR=vendor/schemas/kubernetes node -r ./generator/projen/k8s-local-schema.cjs node_modules/cdk8s-cli/bin/cdk8s import k8s@1.35.0 -l typescript
const fs = require('fs');
const path = require('path');
// deep path: cdk8s-cli's "exports" hides lib/util
const util = require(path.join(path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [process.cwd()] })), 'lib', 'util.js'));
const orig = util.download;
util.download = async (url) => {
  const m = /\/kubernetes-schemas\/(v[^/]+)\/_definitions\.json$/.exec(url);
  if (m && process.env.K8S_SCHEMA_DIR) {
    return fs.promises.readFile(path.join(process.env.K8S_SCHEMA_DIR, m[1], '_definitions.json'), 'utf-8');
  }
  return orig(url);
};
