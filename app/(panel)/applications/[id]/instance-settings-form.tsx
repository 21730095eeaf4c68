"use client";
// Admins override the update settings of one instance; an empty field inherits again.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { SettingsForm } from "@/components/inventory/settings-form";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";

type Overrides = {
  id: number;
  customPlaybookPath: string | null;
  customArtifactUrl: string | null;
  customArtifactExtension: string | null;
};

export function InstanceSettingsForm({ instance }: { instance: Overrides }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.applications.updateSettings.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <SettingsForm
      title="Overrides for this instance"
      label="Edit instance settings"
      testId="instance-settings-form"
      errors={formErrors(save.error)}
      pending={save.isPending}
      saved={save.isSuccess}
      fields={[
        {
          name: "customPlaybookPath",
          label: "Playbook path",
          value: instance.customPlaybookPath,
          placeholder: "inherit",
          hint: "Absolute path of a .yml playbook inside a playbook directory (PLAYBOOK_DIRS); empty uses the group's.",
        },
        {
          name: "customArtifactUrl",
          label: "Artifact list URL",
          value: instance.customArtifactUrl,
          placeholder: "inherit",
        },
        {
          name: "customArtifactExtension",
          label: "Artifact extension",
          value: instance.customArtifactExtension,
          placeholder: "inherit, e.g. jar",
        },
      ]}
      onSubmit={(values) => save.mutate({ id: instance.id, ...values })}
    />
  );
}
