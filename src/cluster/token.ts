/**
 * Cluster names, node ids and roles are single NATS subject tokens (they are parts of subjects and bucket names):
 * no dots, no wildcards, no spaces. One definition for the config schema, membership and the frame decoder.
 */
export const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
export const SUBJECT_TOKEN_RULE = 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ and - (it is a NATS subject token)';
