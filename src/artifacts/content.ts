/**
 * What `lab.artifacts.put` accepts, turned into bytes, and the sha256 that addresses them.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { canonicalJson } from '../experiments/config-hash.js';
import { isPlainObject } from '../storage/validate.js';

/**
 * Content of an artifact: bytes, text (stored as UTF-8), or a plain JSON object or array (stored
 * as canonical JSON, so equal data gives the same artifact whatever its key order).
 */
export type ArtifactContent = Uint8Array | ArrayBuffer | string | object;

/** The bytes of some content and the media type they were made from. @internal */
export interface EncodedContent {
  bytes: Uint8Array;
  /** `application/octet-stream`, `text/plain; charset=utf-8` or `application/json`. */
  contentType: string;
}

/**
 * Encodes artifact content as bytes.
 *
 * @throws ValidationError (`content`) for anything else, or JSON that canonical JSON refuses.
 * @example
 * ```ts
 * encodeContent({ b: 1, a: [true] }).bytes; // the UTF-8 bytes of '{"a":[true],"b":1}'
 * ```
 * @internal
 */
export function encodeContent(content: unknown): EncodedContent {
  if (content instanceof Uint8Array) {
    return { bytes: content, contentType: 'application/octet-stream' };
  }
  if (content instanceof ArrayBuffer) {
    return { bytes: new Uint8Array(content), contentType: 'application/octet-stream' };
  }
  if (typeof content === 'string') {
    return { bytes: new TextEncoder().encode(content), contentType: 'text/plain; charset=utf-8' };
  }
  if (Array.isArray(content) || isPlainObject(content)) {
    let text: string;
    try {
      text = canonicalJson(content);
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(error.field.replace(/^value/, 'content'), error.rule);
      }
      throw error;
    }
    return { bytes: new TextEncoder().encode(text), contentType: 'application/json' };
  }
  throw new ValidationError(
    'content',
    'must be a Uint8Array, an ArrayBuffer, a string, or a plain JSON object or array',
    { received: content },
  );
}

/**
 * Lower-case hex sha256 of the bytes: an artifact's id.
 *
 * @example
 * ```ts
 * sha256Hex(new Uint8Array()); // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 * ```
 * @internal
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** An artifact id: 64 lower-case hex digits. */
export const ARTIFACT_ID = /^[0-9a-f]{64}$/;
