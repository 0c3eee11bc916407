/** The extended resources a pod may request, and the instance fact that bounds each. */
export const ACCELERATOR_RESOURCES = [
  { resource: 'nvidia.com/gpu', fact: 'gpus', what: 'GPUs' },
  { resource: 'aws.amazon.com/neuron', fact: 'neuronDevices', what: 'Neuron devices' },
  { resource: 'aws.amazon.com/neuroncore', fact: 'neuronCores', what: 'NeuronCores' },
  { resource: 'vpc.amazonaws.com/efa', fact: 'efaInterfaces', what: 'EFA interfaces' },
] as const;

/** A Kubernetes quantity as a number (cores, bytes, devices); NaN when it is not one. */
export function parseQuantity(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(text.trim());
  if (!m) return NaN;
  const factor: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
  };
  return Number(m[1]) * factor[m[2] ?? ''];
}
