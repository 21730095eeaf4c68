// Alerts, silences, rules and channels (docs/alerts.md). Viewers read; operators acknowledge and
// silence; admins edit rules and channels. Every change is a mutation through authorized(), so
// the audit middleware records it.
import { z } from "zod";
import { acknowledgeAlert, alertListInput, firingCount, listAlerts } from "../alerts/alert-list";
import {
  channelInput,
  createChannel,
  deleteChannel,
  deliveryListInput,
  listChannels,
  listDeliveries,
  sendTestMessage,
  updateChannel,
} from "../alerts/channels";
import { ruleScopes } from "../alerts/rule-kinds";
import { createRule, deleteRule, listRules, ruleInput, updateRule } from "../alerts/rules";
import { createSilence, expireSilence, listSilences, silenceInput, silenceListInput } from "../alerts/silences";
import { actorName } from "../auth/actor";
import { can } from "../auth/roles";
import { authorized, router } from "../trpc/init";

const id = z.object({ id: z.number({ error: "must be a number" }).int().positive("must be a positive id") });

export const alertsRouter = router({
  list: authorized("alerts.read")
    .input(alertListInput)
    .query(({ input }) => listAlerts(input)),
  /** The nav badge. */
  firingCount: authorized("alerts.read").query(() => firingCount()),
  acknowledge: authorized("alerts.acknowledge")
    .input(id.extend({ acknowledged: z.boolean().default(true) }))
    .mutation(({ input, ctx }) => acknowledgeAlert(input.id, actorName(ctx.actor), input.acknowledged)),

  silences: authorized("alerts.read")
    .input(silenceListInput)
    .query(({ input }) => listSilences(input)),
  silence: authorized("alerts.silence")
    .input(silenceInput)
    .mutation(({ input, ctx }) => createSilence(input, actorName(ctx.actor))),
  expireSilence: authorized("alerts.silence")
    .input(id)
    .mutation(({ input }) => expireSilence(input.id)),

  rules: authorized("alerts.read").query(async () => ({ rules: await listRules(), scopes: ruleScopes })),
  createRule: authorized("alerts.manage")
    .input(ruleInput)
    .mutation(({ input }) => createRule(input)),
  updateRule: authorized("alerts.manage")
    .input(id.extend({ rule: ruleInput }))
    .mutation(({ input }) => updateRule(input.id, input.rule)),
  deleteRule: authorized("alerts.manage")
    .input(id)
    .mutation(({ input }) => deleteRule(input.id)),

  channels: authorized("alerts.read").query(({ ctx }) => listChannels(can(ctx.actor.role, "alerts.manage"))),
  deliveries: authorized("alerts.read")
    .input(deliveryListInput)
    .query(({ input }) => listDeliveries(input)),
  createChannel: authorized("alerts.manage")
    .input(channelInput)
    .mutation(({ input }) => createChannel(input)),
  updateChannel: authorized("alerts.manage")
    .input(id.extend({ channel: channelInput }))
    .mutation(({ input }) => updateChannel(input.id, input.channel)),
  deleteChannel: authorized("alerts.manage")
    .input(id)
    .mutation(({ input }) => deleteChannel(input.id)),
  testChannel: authorized("alerts.manage")
    .input(id)
    .mutation(({ input }) => sendTestMessage(input.id)),
});
