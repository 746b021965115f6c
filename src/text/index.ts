export { cityGazetteer } from './city-gazetteer.ts';
export { loadCityWords } from './city-words.ts';
export {
  type BackgroundKnowledge,
  calibrationError,
  DEFAULT_CLASSIFIER_OPTIONS,
  type LabelledText,
  TextClassifier,
} from './classifier.ts';
export { scoreClassification, stratifiedFolds } from './cross-validation.ts';
export { EXPORT_DISTRICTS, gazetteerForMessages } from './export-gazetteer.ts';
export { ALL_FEATURES, type FeatureSet, featuresOf } from './features.ts';
export { cityDay, type HotIssue, type HotIssueMessage, mineHotIssues, toCsv as hotIssuesCsv } from './hot-issues.ts';
export { forgetUnusedSuggestions, recordIntakeChoice } from './intake-suggestions.ts';
export { LatentSemantics } from './latent-semantics.ts';
export { readMessageFile } from './message-files.ts';
export {
  crossValidate,
  currentClassifiers,
  evaluateExamples,
  listModels,
  NotEnoughHistoryError,
  trainingSet,
  trainModel,
} from './models.ts';
export { MultinomialNaiveBayes } from './naive-bayes.ts';
export { type Placement, placeText } from './places.ts';
export { filterProfanity, findProfanity } from './profanity.ts';
export { type ReplyJudgement, rankReplies } from './reply-quality.ts';
export { cosineOfWords, wordCounts } from './similarity.ts';
export { TaxonomyTerms } from './taxonomy-terms.ts';
export { textRoutes } from './text.routes.ts';
export {
  MODEL_TARGETS,
  type ModelMetrics,
  type ModelTarget,
  type TextPlacement,
  type TextTables,
} from './text.tables.ts';
export { placeFromText } from './text-placement.ts';
export { tokenize } from './tokenizer.ts';
export { type TrainingOutcome, trainInChildProcess } from './training-process.ts';
export { assessUrgency, DANGERS, type UrgencyFlag } from './urgency.ts';
