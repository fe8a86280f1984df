/**
 * The public surface of `lab.artifacts` (re-exported from `quantlab`).
 *
 * @module
 */
export type { ArtifactContent } from './content.js';
export {
  type Artifact,
  type ArtifactLineage,
  ArtifactManager,
  type ArtifactOptions,
  type ArtifactVerification,
  type LineageInput,
  type PutArtifactOptions,
  type PutArtifactResult,
} from './manager.js';
