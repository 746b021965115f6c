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
export { ALL_FEATURES, type FeatureSet, type TextInput } from './features.ts';
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
export { textRoutes } from './text.routes.ts';
export { MODEL_TARGETS, type ModelTarget, type TextTables } from './text.tables.ts';
export { addUserWords, tokenize } from './tokenizer.ts';
export { assessUrgency, DANGERS, type Urgency, type UrgencyFlag } from './urgency.ts';
