/**
 * The public surface of `lab.models` (re-exported from `quantlab`).
 *
 * @module
 */
export {
  ALIAS_NAME,
  type ChangeOptions,
  KNOWN_MODEL_TYPES,
  type ModelRegistration,
  modelRegistrationSchema,
} from './definition.js';
export {
  type ArchiveOptions,
  type ModelAlias,
  type ModelEvent,
  type ModelFilter,
  ModelRegistry,
  type ModelVerification,
  type ModelVersion,
  type ModelVersionPage,
  type VersionSelector,
} from './manager.js';
export {
  canMoveStage,
  isModelStage,
  MODEL_STAGE_TRANSITIONS,
  MODEL_STAGES,
} from './stages.js';
