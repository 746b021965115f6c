export { deliverDueNotifications, deliverNotificationNow, MAX_ATTEMPTS } from './delivery.ts';
export type { NotificationsTables } from './notifications.tables.ts';
export { enqueueNotifications, enqueueSignInCode, type OutboxMessage } from './outbox.ts';
export {
  logSender,
  type MessageSender,
  type OutgoingMessage,
  senderByChannel,
  smsGatewaySender,
  smtpSender,
} from './senders.ts';
export { renderTemplate, TEMPLATES, type TemplateName } from './templates.ts';
