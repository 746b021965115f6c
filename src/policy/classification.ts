import { AppError } from '../lib/app-error.ts';
import type { Clearance } from '../organizations/organizations.tables.ts';
import { clearedFor } from './policy.ts';

/**
 * Every table and column, labelled with its level under the Data Security Law (一般 general / 重要
 * important / 核心 core) and whether it is personal information under PIPL (个人信息 personal, 敏感个人信息
 * sensitive). A test compares this with the live schema, so a new column cannot ship unlabelled. APIs and
 * exports refuse to release a column above the caller's clearance (requireClearance).
 */
export type Personal = 'none' | 'personal' | 'sensitive';
export interface Label {
  level: Clearance;
  personal: Personal;
}

const G: Label = { level: 'general', personal: 'none' };
const GP: Label = { level: 'general', personal: 'personal' };
const I: Label = { level: 'important', personal: 'none' };
const IP: Label = { level: 'important', personal: 'personal' };
const C: Label = { level: 'core', personal: 'none' };
const CS: Label = { level: 'core', personal: 'sensitive' };

/** Same label for several columns. */
const all = (label: Label, columns: string[]) => Object.fromEntries(columns.map((c) => [c, label]));

export const DATA_CLASSIFICATION: Record<string, Record<string, Label>> = {
  api_tokens: {
    ...all(C, ['token_hash']),
    ...all(G, ['id', 'user_id', 'label', 'scopes', 'created_at']),
    ...all(G, ['expires_at', 'last_used_at', 'revoked_at']),
  },
  app_settings: all(G, ['key', 'value', 'updated_at']),
  area_responsibilities: all(G, ['area_code', 'handling_body_id']),
  audit_log: {
    ...all(I, ['seq', 'occurred_at', 'actor_user_id', 'actor_role', 'action', 'subject_type', 'subject_id']),
    ...all(I, ['purpose', 'details', 'request_id', 'prev_hash', 'hash', 'mac', 'mac_key_id']),
    ip: IP,
  },
  calendar_days: all(G, ['date', 'kind', 'name_zh', 'name_en']),
  case_sources: all(G, ['case_id', 'source_key', 'source_id', 'import_id']),
  category_mappings: all(G, ['source_key', 'source_value', 'category_id', 'decided_by', 'updated_at']),
  case_clocks: all(G, [
    'id',
    'case_id',
    'dispatch_id',
    'kind',
    'measure',
    'body_id',
    'limit_minutes',
    'extended_minutes',
    'started_at',
    'warn_at',
    'due_at',
    'paused_at',
    'stopped_at',
    'stopped_by_user_id',
    'outcome',
    'elapsed_minutes',
    'warned_at',
    'overdue_at',
  ]),
  case_dispatches: all(G, [
    'id',
    'case_id',
    'event_seq',
    'body_id',
    'dispatched_by_user_id',
    'dispatched_at',
    'suggested_body_id',
    'overridden',
    'grid_code',
    'ended_at',
    'end_reason',
    'handled_count',
    'rework_count',
    'points_pending',
  ]),
  case_events: {
    ...all(G, [
      'id',
      'case_id',
      'seq',
      'action',
      'from_status',
      'to_status',
      'actor_user_id',
      'actor_role',
      'details',
      'created_at',
    ]),
    note: I,
  },
  case_number_counters: all(G, ['year', 'last_value']),
  // A photo may show people, number plates, doorways: what points at one is personal; where and when it
  // was taken (sealed) places its photographer.
  case_media: {
    ...all(G, ['id', 'case_id', 'stage', 'event_id', 'uploaded_by_user_id', 'media_type', 'byte_size']),
    ...all(G, ['width', 'height', 'perceptual_hash', 'key_id', 'flags', 'publication', 'created_at']),
    ...all(G, ['moderated_by_user_id', 'moderated_at', 'moderation_reason']),
    ...all(GP, ['content_hash', 'upload_hash', 'thumbnail_hash']),
    sealed_evidence: IP,
  },
  case_personal_items: { case_id: G, sealed: CS, key_id: G, kinds: G },
  // Who said "me too" on which case: a resident's account tied to a place and a problem.
  case_supports: { case_id: G, user_id: IP, created_at: G },
  // What a resident follows: a person tied to a case or a place they care about.
  subscriptions: {
    ...all(G, ['id', 'case_id', 'area_code', 'category_code', 'created_at', 'last_seen_at']),
    person_id: IP,
  },
  case_surveys: {
    ...all(G, [
      'id',
      'case_id',
      'close_seq',
      'dispatch_id',
      'body_id',
      'satisfaction',
      'solved',
      'reopened',
      'points_pending',
      'answered_by_user_id',
      'created_at',
    ]),
    comment: IP,
  },
  cases: {
    ...all(G, [
      'id',
      'case_number',
      'category_id',
      'grid_code',
      'channel',
      'priority',
      'status',
      'assigned_body_id',
      'rework_count',
      'event_count',
      'created_at',
      'updated_at',
      'closed_at',
      'outside_jurisdiction',
      'placement_snapped_metres',
      'suggested_body_id',
      'routing_rule_id',
      'suggested_assisting_body_ids',
      'assisting_body_ids',
      'current_dispatch_id',
      'requested_priority',
      'reported_by_citizen',
      'parent_case_id',
      'me_too_count',
      'public_text_hidden_reason',
      'public_text_moderated_at',
      'pending_extension',
      'paused_at',
      'urgency_flags',
    ]),
    // Personal data in the text is masked at intake; the text still tells of someone's circumstances (as may
    // the answers to a category's questions, a text answer among them).
    ...all(I, ['title', 'description', 'text_placement', 'attributes']),
    ...all(IP, ['longitude', 'latitude', 'address', 'reporter_person_id', 'reported_by_user_id']),
  },
  // The text of a suggestion request is not kept: only what was suggested and chosen.
  // A rejected value may be a resident's name or number from the source file.
  import_rejections: { ...all(G, ['import_id', 'row_number', 'column_name', 'reason']), value: IP },
  import_sources: all(G, ['key', 'mapping', 'updated_at']),
  intake_suggestions: {
    // Who asked: a citizen's account when a citizen reported, tied to their case.
    created_by_user_id: IP,
    ...all(G, [
      'id',
      'model_id',
      'suggested',
      'created_at',
      'case_id',
      'chosen_category_code',
      'outcome',
      'decided_at',
    ]),
  },
  place_aliases: all(G, ['alias', 'area_code']),
  // Learned from case texts (masked at intake), so important like the texts themselves.
  text_models: {
    ...all(G, ['id', 'target', 'version', 'trained_at', 'trained_by', 'snapshot_id', 'training_examples', 'metrics']),
    classifier: I,
  },
  categories: all(G, [
    'after_photo_required',
    'verification_photo_required',
    'id',
    'code',
    'parent_id',
    'level',
    'name_zh',
    'name_en',
    'default_body_id',
    'response_limit_hours',
    'handling_limit_days',
    'verification_limit_hours',
  ]),
  // What a category asks of a report: the taxonomy's questions, no one's answers.
  category_attributes: all(G, [
    'id',
    'category_id',
    'code',
    'datatype',
    'required',
    'description_zh',
    'description_en',
    'sort_order',
    'values',
  ]),
  consent_changes: all(GP, ['id', 'person_id', 'consent', 'granted', 'changed_at', 'changed_by_user_id']),
  data_rights_requests: {
    ...all(IP, [
      'id',
      'person_id',
      'requested_by_user_id',
      'kind',
      'reason',
      'status',
      'submitted_at',
      'due_at',
      'decided_at',
      'decided_by_user_id',
      'decision_note',
      'key_id',
    ]),
    sealed_changes: CS,
  },
  dataset_imports: {
    ...all(G, ['id', 'dataset_id', 'source_key', 'file_name', 'file_sha256', 'file_bytes', 'format', 'encoding']),
    ...all(G, ['status', 'rows_read', 'rows_imported', 'rows_unchanged', 'rows_rejected', 'rows_unplaced']),
    unplaced_reasons: G,
    ...all(G, ['committed_row', 'error', 'started_by_user_id', 'started_at', 'finished_at']),
  },
  dataset_versions: {
    ...all(G, ['dataset_id', 'version', 'import_id', 'made_by', 'row_count', 'rows_changed', 'created_at']),
  },
  datasets: {
    ...all(G, ['id', 'slug', 'kind', 'title_zh', 'title_en', 'description', 'owner_body_id', 'columns', 'level']),
    ...all(G, ['personal', 'update_frequency', 'licence', 'spatial_coverage', 'temporal_start', 'temporal_end']),
    ...all(G, ['is_public', 'quality', 'row_count', 'created_at', 'modified_at']),
  },
  extension_requests: all(G, [
    'id',
    'case_id',
    'clock_id',
    'requested_by_user_id',
    'reason',
    'extra_minutes',
    'status',
    'decided_by_user_id',
    'decision_note',
    'decided_at',
    'created_at',
  ]),
  grid_areas: all(G, ['code', 'parent_code', 'level', 'name_zh', 'name_en', 'geometry', 'created_at']),
  handling_bodies: all(G, ['id', 'code', 'name_zh', 'name_en', 'type', 'parent_id', 'created_at']),
  kysely_migration: all(G, ['name', 'timestamp']),
  kysely_migration_lock: all(G, ['id', 'is_locked']),
  // The first answer to a submission, kept a day for its retries: it may hold what the answer held.
  idempotency_keys: {
    ...all(G, ['owner_user_id', 'key', 'fingerprint', 'state', 'response_status', 'response_location']),
    ...all(G, ['created_at', 'updated_at']),
    response_body: IP,
  },
  // Published answers (知识库): general, no personal data (the editor keeps names and numbers out of them).
  knowledge_articles: all(G, [
    'id',
    'version',
    'title',
    'body',
    'category',
    'owner_body_id',
    'public',
    'valid_from',
    'valid_until',
    'review_due',
    'sources',
    'created_by_user_id',
    'updated_by_user_id',
    'created_at',
    'updated_at',
  ]),
  knowledge_article_versions: all(G, [
    'id',
    'article_id',
    'version',
    'title',
    'body',
    'category',
    'owner_body_id',
    'public',
    'valid_from',
    'valid_until',
    'review_due',
    'sources',
    'change_note',
    'changed_by_user_id',
    'created_at',
  ]),
  media_orphans: all(G, ['content_hash', 'queued_at']),
  notifications: {
    ...all(GP, [
      'id',
      'person_id',
      'case_id',
      'channel',
      'template',
      'status',
      'attempts',
      'next_attempt_at',
      'last_error',
      'created_at',
      'sent_at',
      'sign_in_code_id',
    ]),
    params: IP,
  },
  personal_data_accesses: all(IP, [
    'id',
    'person_id',
    'case_id',
    'accessor_user_id',
    'accessor_role',
    'accessor_body_id',
    'purpose',
    'reason',
    'fields',
    'accessed_at',
  ]),
  // Open data: published aggregates (small cells suppressed, or noised) and the privacy budgets' ledger.
  open_data_budgets: all(G, ['dataset', 'total_microepsilon', 'spent_microepsilon', 'updated_at']),
  open_data_releases: all(G, [
    'id',
    'dataset',
    'title',
    'area_level',
    'period_from',
    'period_to',
    'threshold',
    'protection_margin',
    'mechanism',
    'microepsilon',
    'dimensions',
    'cells',
    'suppressed_cells',
    'published_by_user_id',
    'published_at',
  ]),
  patrols: all(G, ['id', 'user_id', 'started_at', 'ended_at']),
  // A grid worker's track says where a person was, when.
  patrol_points: { patrol_id: G, ...all(IP, ['recorded_at', 'longitude', 'latitude', 'accuracy_m', 'grid_code']) },
  persons: {
    ...all(G, ['id', 'created_at', 'key_id', 'anonymised_at']),
    ...all(GP, ['contact_channel', 'publish_consent', 'contact_consent', 'statistics_consent']),
    // Only databases from before encryption hold values here (sealed at start).
    ...all(IP, ['name', 'phone', 'email', 'phone_index']),
    sealed: CS,
  },
  points_ledger: all(G, ['id', 'body_id', 'dispatch_id', 'reason', 'points', 'created_at']),
  privacy_ledger: all(G, [
    'id',
    'dataset',
    'release_id',
    'microepsilon',
    'mechanism',
    'query',
    'spent_by_user_id',
    'spent_at',
  ]),
  routing_rules: all(G, [
    'id',
    'category_code',
    'area_code',
    'window_start',
    'window_end',
    'lead_body_id',
    'assisting_body_ids',
    'note',
    'created_at',
    'updated_at',
  ]),
  // Sensor feeds: devices' points and readings describe city infrastructure, not people; a device's key
  // lets whoever holds it file readings (and so cases) as that device.
  sensor_cases: all(G, ['id', 'device_id', 'rule_code', 'case_id', 'breach_at', 'value', 'claimed_at', 'released_at']),
  sensor_device_types: all(G, [
    'id',
    'code',
    'name_zh',
    'name_en',
    'unit',
    'silence_minutes',
    'silence_category_code',
    'created_at',
  ]),
  sensor_devices: {
    ...all(G, ['id', 'device_type_id', 'name', 'longitude', 'latitude', 'key_id', 'created_at', 'created_by_user_id']),
    ...all(G, ['last_measured_at', 'last_value', 'last_received_at', 'accepted_count', 'duplicate_count']),
    ...all(G, ['out_of_order_count', 'malformed_count', 'refused_count']),
    sealed_key: C,
  },
  sensor_readings: all(G, ['device_id', 'measured_at', 'value', 'received_at', 'via']),
  sensor_rules: all(G, ['id', 'device_type_id', 'code', 'kind', 'threshold', 'category_code']),
  // Sharing between departments: which body asked whom for what and why, and what was granted. A purpose
  // or a reason is a body's words about its work (masked for personal data when written), not a person's.
  share_grants: all(G, [
    'id',
    'request_id',
    'dataset_id',
    'holder_body_id',
    'fields',
    'valid_from',
    'valid_until',
    'granted_by_user_id',
    'granted_at',
    'ended_at',
    'ended_by_user_id',
    'end_kind',
    'end_reason',
  ]),
  share_requests: all(G, [
    'id',
    'dataset_id',
    'requesting_body_id',
    'owner_body_id',
    'fields',
    'purpose',
    'legal_basis',
    'period_from',
    'period_to',
    'status',
    'requested_by_user_id',
    'requested_at',
    'decided_by_user_id',
    'decided_at',
    'refusal_reason',
  ]),
  sessions: {
    ...all(C, ['id_hash', 'csrf_token']),
    ...all(G, ['user_id', 'created_at', 'last_seen_at', 'expires_at', 'revoked_at']),
    ip: IP,
  },
  sign_in_codes: {
    ...all(C, ['code_hash']),
    ...all(IP, ['phone_index', 'ip']),
    ...all(G, ['id', 'attempts', 'created_at', 'expires_at', 'used_at', 'key_id']),
    sealed_phone: CS,
  },
  sign_in_throttle: { key: IP, ...all(G, ['failures', 'first_failure_at', 'locked_until']) },
  supervision_notices: all(G, ['id', 'clock_id', 'case_id', 'level', 'body_id', 'escalated_to_body_id', 'created_at']),
  unmask_grants: { ...all(I, ['id', 'user_id', 'case_id', 'purpose', 'granted_at', 'expires_at']), reason: I },
  user_jurisdictions: all(G, ['user_id', 'area_code']),
  users: {
    ...all(G, ['id', 'username', 'role', 'handling_body_id', 'created_at', 'clearance', 'disabled_at', 'city_wide']),
    ...all(GP, ['display_name', 'person_id']),
    ...all(C, ['password_hash']),
    password_changed_at: G,
  },
};

/** The clearance needed to see each identity field in clear (and the personal data found in a case's text). */
export const FIELD_CLEARANCE = {
  name: 'important',
  phone: 'important',
  address: 'important',
  email: 'important',
  // A resident ID number is sensitive personal information (PIPL art. 28): core data.
  idNumber: 'core',
  textItems: 'important',
} as const satisfies Record<string, Clearance>;

function labelOf(table: string, column: string): Label {
  const label = DATA_CLASSIFICATION[table]?.[column];
  if (!label) throw new Error(`${table}.${column} has no data classification label`);
  return label;
}

/**
 * Refuses (403) to release columns above the clearance; a citizen's own data is theirs whatever its label.
 */
export function requireClearance(clearance: Clearance, table: string, columns: readonly string[]): void {
  const above = columns.filter((column) => !clearedFor(clearance, labelOf(table, column).level));
  if (above.length) {
    throw new AppError(
      'DATA_ERR_CLEARANCE',
      403,
      `Your clearance (${clearance}) does not cover ${above.map((c) => `${table}.${c}`).join(', ')}`,
      { table, columns: above, clearance },
    );
  }
}
