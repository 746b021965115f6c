export { cityGazetteer } from './city-gazetteer.ts';
export { loadCityWords } from './city-words.ts';
export {
  type ClassifierJson,
  calibrationError,
  DEFAULT_CLASSIFIER_OPTIONS,
  type LabelledText,
  type Suggestion,
  TextClassifier,
} from './classifier.ts';
export { scoreClassification, stratifiedFolds } from './evaluation.ts';
export { EXPORT_DISTRICTS, gazetteerForMessages } from './export-gazetteer.ts';
export { ALL_FEATURES, type FeatureSet, type TextInput } from './features.ts';
export { cityDay, type HotIssue, type HotIssueMessage, mineHotIssues, toCsv as hotIssuesCsv } from './hot-issues.ts';
export { type IntakeSuggestion, recordIntakeChoice, suggestForIntake } from './intake-suggestions.ts';
export { type MessageRecord, readMessageFile } from './message-files.ts';
export {
  crossValidate,
  currentClassifier,
  listModels,
  NotEnoughHistoryError,
  type TrainedModel,
  trainingSet,
  trainModel,
} from './models.ts';
export { MultinomialNaiveBayes } from './naive-bayes.ts';
export { type Placement, placeText } from './places.ts';
export { type ReplyJudgement, rankReplies } from './reply-quality.ts';
export { wordSimilarity } from './similarity.ts';
export { textRoutes } from './text.routes.ts';
export { MODEL_TARGETS, type ModelTarget, type TextPlacement, type TextTables } from './text.tables.ts';
export { placeFromText } from './text-placement.ts';
export { addUserWords, tokenize } from './tokenizer.ts';
export { assessUrgency, DANGERS, type Urgency, type UrgencyFlag } from './urgency.ts';
