/**
 * The reminders of an agreement, the entity's notification inbox and its reminder settings
 * (routes in functions/http/routes/agreements.routes.ts, served by agreementsApi through agreements.ts).
 */

import { commit, getItem, withoutKeys } from '../../adapters/store.ts';
import { AlreadyExists } from '../../adapters/store-errors.ts';
import { authorize } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import {
  getSettings,
  inboxPage,
  listInbox,
  listReminders,
  readMarkerKey,
  readMarkers,
  type SettingsItem,
  settingsKey,
} from '../../services/store/reminders.ts';
import { nowIso } from '../../shared/clock.ts';
import { type AgreementHandlers, loadAgreement } from './agreements-shared.ts';

export const reminderHandlers: AgreementHandlers<
  | 'listReminders'
  | 'listNotifications'
  | 'markNotificationRead'
  | 'getReminderSettings'
  | 'putReminderSettings'
> = {
  listReminders: async ({ principal, params }) => {
    const agreement = await loadAgreement(principal, params.agreementId, 'agreement:read');
    if (principal.role === 'supplier') throw notFound('Reminders of agreement', agreement.id);
    const reminders = (await listReminders(agreement.id)).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    return { body: { items: reminders.map((r) => withoutKeys(r)) } };
  },

  listNotifications: async ({ principal, query }) => {
    const page = await inboxPage(principal.entityId as string, query.limit ?? 50, query.cursor);
    const items = page.items;
    const read = await readMarkers(
      principal.sub,
      items.map((n) => n.id),
    );
    const views = items.map((n) => ({ ...withoutKeys(n), read: read.has(n.id) }));
    // Unread first, each group newest first (the order the inbox was read in).
    return {
      body: {
        items: [...views.filter((n) => !n.read), ...views.filter((n) => n.read)],
        unread: views.filter((n) => !n.read).length,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },

  markNotificationRead: async ({ principal, params }) => {
    const inbox = await listInbox(principal.entityId as string, 100);
    const notification = inbox.find((n) => n.id === params.notificationId);
    if (!notification) throw notFound('Notification', params.notificationId);
    try {
      await commit({
        aggregate: { type: 'notification-read', id: `${principal.sub}:${notification.id}` },
        entityId: notification.entityId,
        before: undefined,
        after: {
          ...readMarkerKey(principal.sub, notification.id),
          notificationId: notification.id,
          readAt: nowIso(),
        },
        actor: principal,
        action: 'notification.read',
        change: { notificationId: notification.id },
      });
    } catch (error) {
      if (!(error instanceof AlreadyExists)) throw error; // read before: fine
    }
    return { body: { ...withoutKeys(notification), read: true } };
  },

  getReminderSettings: async ({ principal, params }) => {
    authorize(principal, 'settings:read', {
      kind: 'Entity',
      id: params.entityId,
      entityId: params.entityId,
      public: false,
    });
    return { body: { entityId: params.entityId, ...(await getSettings(params.entityId)) } };
  },

  putReminderSettings: async ({ principal, params, body }) => {
    authorize(principal, 'settings:update', {
      kind: 'Entity',
      id: params.entityId,
      entityId: params.entityId,
      public: false,
    });
    const before = await getItem<SettingsItem>(settingsKey(params.entityId));
    const { version, ...settings } = body;
    const { item } = await commit({
      aggregate: { type: 'settings', id: `${params.entityId}:reminders` },
      entityId: params.entityId,
      before: before ? { ...before, version: version ?? 0 } : undefined,
      after: { ...settingsKey(params.entityId), entityId: params.entityId, ...settings },
      actor: principal,
      action: 'settings.reminders-updated',
      change: settings,
    });
    return { body: withoutKeys(item) };
  },
};
