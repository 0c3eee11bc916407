import type { ObjectMeta } from '../imports/k8s';

/**
 * Typed plain objects: the props and spec interfaces that `cdk8s import` generated (generator/imports/), turned
 * into the JSON the API reads, so that an object literal built as plain data is checked field by field at any
 * depth (a misspelt field fails to compile) and is still emitted with its keys in the order it is written.
 * `X.manifest(props)` would reorder the keys into the interface's order; `Plain<XProps>` does not.
 */

/**
 * The API's spelling of the fields whose generated name differs: cdk8s import camel-cases acronyms
 * (`runtimeEnvYAML` becomes `runtimeEnvYaml`, `hostIPC` becomes `hostIpc`) and its `toJson_*` functions map them
 * back. A plain object is written with the API's name. test/typed-objects.test.ts checks that this list holds
 * every such rename of the generated files (the JSON-schema keywords `$ref`, `$schema`, `x-kubernetes-*` of a
 * CustomResourceDefinition aside: no object here is a CRD).
 */
export const API_FIELD_NAMES = {
  associatePublicIpAddress: 'associatePublicIPAddress',
  clientIp: 'clientIP',
  clusterDns: 'clusterDNS',
  clusterIp: 'clusterIP',
  cpuCfsQuota: 'cpuCFSQuota',
  datasetUuid: 'datasetUUID',
  diskUri: 'diskURI',
  downwardApi: 'downwardAPI',
  enableDnsHostnames: 'enableDNSHostnames',
  enableK8STokenAuth: 'enableK8sTokenAuth',
  externalId: 'externalID',
  hostIp: 'hostIP',
  hostIpc: 'hostIPC',
  hostPid: 'hostPID',
  imageGcHighThresholdPercent: 'imageGCHighThresholdPercent',
  imageGcLowThresholdPercent: 'imageGCLowThresholdPercent',
  insecureSkipTlsVerify: 'insecureSkipTLSVerify',
  keyId: 'keyID',
  kmsKeyId: 'kmsKeyID',
  loadBalancerIp: 'loadBalancerIP',
  nodeId: 'nodeID',
  nodeUid: 'nodeUID',
  nonResourceUrLs: 'nonResourceURLs',
  openApiv3Schema: 'openAPIV3Schema',
  ownerId: 'ownerID',
  pdId: 'pdID',
  podCidRs: 'podCIDRs',
  podCidr: 'podCIDR',
  podUid: 'podUID',
  providerId: 'providerID',
  repoUrl: 'repoURL',
  runtimeEnvYaml: 'runtimeEnvYAML',
  scaleIo: 'scaleIO',
  serviceAccountUid: 'serviceAccountUID',
  setHostnameAsFqdn: 'setHostnameAsFQDN',
  snapshotId: 'snapshotID',
  storagePolicyId: 'storagePolicyID',
  targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage',
  targetWwNs: 'targetWWNs',
  volumeId: 'volumeID',
} as const;

type ApiName<K> = K extends keyof typeof API_FIELD_NAMES ? (typeof API_FIELD_NAMES)[K] : K;

/** The generated classes of `int-or-string` fields and quantities (`Quantity`, `IntOrString`, a CRD's `...Limits`). */
interface UnionClass {
  readonly value: string | number;
}

/** A union class has its value alone, of either type. */
type IsValueOnly<T extends UnionClass> = [Exclude<keyof T, 'value'>] extends [never]
  ? string | number extends T['value']
    ? true
    : false
  : false;

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * `T` as plain JSON data: a quantity or int-or-string class becomes `string | number`, a string enum its values
 * (`'WhenEmpty'` for `ConsolidationPolicy.WHEN_EMPTY`), a renamed field its API name; arrays and objects
 * recursively. Free-form fields (`any`) stay free.
 */
export type Plain<T> =
  IsAny<T> extends true
    ? T
    : T extends UnionClass
      ? IsValueOnly<T> extends true
        ? string | number
        : PlainObject<T>
      : T extends string
        ? `${T}`
        : T extends number | boolean | null | undefined
          ? T
          : T extends Date
            ? string
            : T extends readonly (infer E)[]
              ? readonly Plain<E>[]
              : T extends object
                ? PlainObject<T>
                : T;

type PlainObject<T> = { [K in keyof T as ApiName<K>]: Plain<T[K]> };

/** An object's metadata: the Kubernetes ObjectMeta (the CRD props' `ApiObjectMetadata` takes any key), named. */
export type PlainMetadata = Plain<ObjectMeta> & { readonly name: string };

/**
 * A whole object as plain data, from the props interface of its generated class: `apiVersion` and `kind`, the
 * metadata, and the other fields of the props (`spec`).
 */
export type PlainObjectOf<Props> = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: PlainMetadata;
} & Plain<Omit<Props, 'metadata'>>;
