import type { RunPreviewProvider } from './run-preview';

/**
 * The recipe compiler's preview function, which turns changed recipes and apps into `RunPreview`s.
 * It belongs to the workloads stage (recipes/ and apps/ compiled into clusters/<c>/workloads/); until that
 * stage is connected here, the run preview command says so and fails.
 */
export const runPreviewProvider: RunPreviewProvider | undefined = undefined;
