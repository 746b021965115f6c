import type { Generated, JSONColumnType } from 'kysely';
import type { GazetteerLevel } from './places.ts';

export const MODEL_TARGETS = ['category_1', 'category_2', 'category_3', 'body'] as const;
export type ModelTarget = (typeof MODEL_TARGETS)[number];

/** How a model did in cross-validation on its own training data, before it was trained on all of it. */
export interface ModelMetrics {
  folds: number;
  examples: number;
  classes: number;
  macroF1: number;
  accuracy: number;
  top3Accuracy: number;
  calibrationError: number;
  /** Multinomial Naive Bayes on the same folds: the yardstick. */
  baselineMacroF1: number;
  trainSeconds: number;
}

/** What the training read: a hash of its examples' ids and labels, and where they came from. */
export interface TrainingSnapshot {
  cases: number;
  corrections: number;
  taxonomyNames: number;
}

export interface TextModelTable {
  id: Generated<string>;
  target: ModelTarget;
  version: number;
  trained_at: Date;
  trained_by: string;
  snapshot_id: string;
  training_examples: number;
  metrics: JSONColumnType<ModelMetrics & { snapshot: TrainingSnapshot }>;
  /** ClassifierJson, as text: only ever read whole, by the application. */
  classifier: string;
}

export interface SuggestedAtIntake {
  categories: { code: string; probability: number }[];
  bodies: { bodyId: string; probability: number }[];
}

export interface IntakeSuggestionTable {
  id: Generated<string>;
  model_id: string | null;
  suggested: JSONColumnType<SuggestedAtIntake>;
  created_at: Date;
  created_by_user_id: string | null;
  case_id: string | null;
  chosen_category_code: string | null;
  outcome: 'accepted' | 'corrected' | null;
  decided_at: Date | null;
}

/** Where a case's text placed it (kept with the case): the area, how sure (0–1), and the names that did it. */
export interface TextPlacement {
  areaCode: string;
  level: GazetteerLevel;
  confidence: number;
  evidence: string[];
}

export interface PlaceAliasTable {
  alias: string;
  area_code: string;
}

export interface TextTables {
  text_models: TextModelTable;
  intake_suggestions: IntakeSuggestionTable;
  place_aliases: PlaceAliasTable;
}
