import { RolloutForm } from "@/components/tasks/rollout-form";
import { updateDefaults } from "@/components/tasks/update-defaults";
import { BackLink, NotAllowed, PageHeader } from "@/components/ui/states";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";

export const metadata = { title: "New rollout" };

export default async function NewRolloutPage() {
  const actor = await currentActor();
  return (
    <>
      <BackLink href="/tasks">Tasks</BackLink>
      <PageHeader title="New rollout" />
      {actor && can(actor.role, "task.start") ? (
        <>
          <p className="-mt-3 mb-5 max-w-3xl text-sm text-slate-600">
            One update task for several groups, each to its own version, one group after the other (the backend before
            the web tier). A group&apos;s own update is on its page.
          </p>
          <RolloutForm defaults={updateDefaults(null)} />
        </>
      ) : (
        <NotAllowed needs="operator" role={actor?.role ?? "nobody"} />
      )}
    </>
  );
}
